"""Scoping cases for the Open311 pages (``tests/test_url_scoping.py``). The API-key pages are
the county admin's; a township admin — whose subtree does not hold the county — gets 404.
The GeoReport v2 endpoints are public by the specification and listed in ``PUBLIC``; their
own tests (``test_conformance.py``) check they never show another county's rows or a
personal field."""

from tests.url_case import Case

PUBLIC = {
    "open311/discovery.<fmt:fmt>": "Open311 service discovery: public by the specification",
    "open311/v2/services.<fmt:fmt>": "GeoReport v2 service list: public, the county's catalogue",
    "open311/v2/services/<str:service_code>.<fmt:fmt>": "GeoReport v2 service definition: public",
    "open311/v2/requests.<fmt:fmt>": (
        "GeoReport v2 requests: GET public without personal fields; POST needs an api_key"
    ),
    "open311/v2/requests/<str:service_request_id>.<fmt:fmt>": "GeoReport v2 request: public",
    "open311/v2/tokens/<str:token>.<fmt:fmt>": "GeoReport v2 token → request id: public",
}


def a_key(world):
    from open311.domain.keys import issue_key

    return issue_key(None, world.county, "测试客户端").api_key


def key_url(suffix=""):
    return lambda w: f"/open311/keys/{a_key(w).pk}/{suffix}"


CASES = [
    Case("open311/keys/", lambda w: "/open311/keys/", "county_admin", "township_admin"),
    Case(
        "open311/keys/new/",
        lambda w: "/open311/keys/new/",
        "county_admin",
        "township_admin",
        method="post",
        data={"client_name": "随手拍", "contact": "客服"},
    ),
    Case("open311/keys/<int:pk>/", key_url(), "county_admin", "township_admin"),
    Case(
        "open311/keys/<int:pk>/revoke/",
        key_url("revoke/"),
        "county_admin",
        "township_admin",
        method="post",
    ),
]
