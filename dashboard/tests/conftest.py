from orglife.tests.conftest import orglife  # noqa: F401  (the test county's requirements)
