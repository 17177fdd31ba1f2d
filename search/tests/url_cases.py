"""Scoping case of the global search: admins and branch accounts; others get 404."""

from tests.url_case import Case, url

CASES = [
    Case("search/", url("/search/?q=红旗"), "township_admin", "grid_worker"),
]
