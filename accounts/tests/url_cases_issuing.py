"""Scoping cases for the account pages (``accounts.manage_urls``): admins manage the accounts
held in their subtree; another township's admin gets 404, and so does a non-admin."""

from tests.url_case import Case, url

CASES = [
    Case("accounts/password/", url("/accounts/password/"), "resident", None),
    Case("accounts/", url("/accounts/"), "township_admin", "resident"),
    Case("accounts/<int:pk>/", url("/accounts/{}/", "branch"), "township_admin", "outsider"),
    Case(
        "accounts/<int:pk>/reset/",
        url("/accounts/{}/reset/", "branch"),
        "township_admin",
        "outsider",
        method="post",
    ),
    Case(
        "accounts/<int:pk>/deactivate/",
        url("/accounts/{}/deactivate/", "grid_worker"),
        "township_admin",
        "outsider",
        method="post",
    ),
    Case(
        "accounts/<int:pk>/reactivate/",
        url("/accounts/{}/reactivate/", "grid_worker"),
        "township_admin",
        "outsider",
        method="post",
    ),
    Case("accounts/new/", url("/accounts/new/?role=branch&q=红旗"), "county_admin", "resident"),
    Case("accounts/roster/", url("/accounts/roster/"), "county_admin", "branch"),
    Case(
        "accounts/roster/template.xlsx",
        url("/accounts/roster/template.xlsx"),
        "township_admin",
        "grid_worker",
    ),
    Case(
        "accounts/roster/missing.xlsx",
        url("/accounts/roster/missing.xlsx?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case(
        "accounts/roster/import/",
        url("/accounts/roster/import/"),
        "county_admin",
        "branch",
        method="post",
    ),
    Case(
        "accounts/coverage/",
        url("/accounts/coverage/?region={}", "township"),
        "township_admin",
        "outsider",
    ),
]
