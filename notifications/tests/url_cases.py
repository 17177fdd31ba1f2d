"""Scoping cases for the inbox: every user has one and sees only their own (see
``test_inbox.py``), so there is no outsider who must get 404."""

from tests.url_case import Case, url

CASES = [
    Case("inbox/", url("/inbox/"), "resident", None),
    Case("inbox/read/", url("/inbox/read/"), "resident", None, method="post"),
]
