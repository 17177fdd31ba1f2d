from datetime import date

import pytest

from orglife.domain.requirements import ensure_activity_types, install_defaults


@pytest.fixture
def orglife(world):
    """The test county with the regulations' default requirements from January 2026."""
    install_defaults(None, world.county, since=date(2026, 1, 1))
    return ensure_activity_types()
