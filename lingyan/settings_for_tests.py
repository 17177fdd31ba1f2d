"""The settings of the test suite (pyproject's ``DJANGO_SETTINGS_MODULE`` for pytest): the
production settings, with a throwaway secret key when none is set — DEBUG is off by default
and ``lingyan.settings`` refuses to start without a key. Set in the environment, so that a
``manage.py`` a test starts inherits it too."""

import os

os.environ.setdefault("LINGYAN_SECRET_KEY", "lingyan-tests-only-secret-key-" + "t" * 40)

from lingyan.settings import *  # noqa: F403
