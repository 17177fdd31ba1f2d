"""Scoping cases for the pages of accounts that every signed-in user has: the settings page
lists only what the user's roles may set (see ``test_home_links.py``)."""

from tests.url_case import Case, url

CASES = [
    Case("settings/", url("/settings/"), "county_admin", None),
]
