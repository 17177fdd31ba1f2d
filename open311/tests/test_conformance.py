"""A client written to the GeoReport v2 specification plays the whole sequence against the
test county, in XML and in JSON: discovery → service list → service definition → POST a
request (form-encoded, api_key, attribute values, lat/long) → the token call → the request
by id → the list with its filters; then the errors the specification gives."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from open311.domain.keys import revoke_key
from open311.models import ApiKey, Submission
from open311.tests.client import read, truth
from services.domain import requests as flow
from services.models import ServiceRequest

FORMATS = ["xml", "json"]
FORM = "application/x-www-form-urlencoded; charset=utf-8"
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
PERSONAL = ("张三", "13912345678", "zhang@example.com", "device-42", "account-7")


def post(client, fmt, **fields):
    return client.post(f"/open311/v2/requests.{fmt}", urlencode(fields), content_type=FORM)


def a_request(o311, fmt="json", **extra):
    fields = {
        "api_key": o311.key,
        "jurisdiction_id": o311.world.county.code,
        "service_code": o311.items[1].code,
        "lat": "43.123456",
        "long": "121.654321",
        "address_string": "村委会门口",
        "attribute[village]": o311.world.village.code,
        "description": "老人行动不便，想请人上门办理高龄津贴。电话 13912345678",
        "email": "zhang@example.com",
        "phone": "13912345678",
        "first_name": "三",
        "last_name": "张",
        "device_id": "device-42",
        "account_id": "account-7",
        "media_url": "https://example.com/p/1.jpg",
    }
    fields.update(extra)
    return fields


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_plays_a_client_through_the_specification(o311, client, fmt):
    county = o311.world.county.code
    # discovery
    found = read(client.get(f"/open311/discovery.{fmt}"), fmt, "discovery")
    assert set(found) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]

    # service list: the county's catalogue
    services = read(
        client.get(f"/open311/v2/services.{fmt}?jurisdiction_id={county}"), fmt, "services"
    )
    assert [s["service_code"] for s in services] == [i.code for i in o311.items]
    first = services[1]
    assert set(first) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert first["service_name"] == "高龄津贴申领" and first["group"] == "社会保障"
    assert truth(first["metadata"]) and first["type"] == "batch"

    # service definition: the required village list
    code = first["service_code"]
    definition = read(
        client.get(f"/open311/v2/services/{code}.{fmt}?jurisdiction_id={county}"),
        fmt,
        "service_definition",
    )
    assert definition["service_code"] == code
    village_attribute = definition["attributes"][0]
    assert village_attribute["code"] == "village"
    assert village_attribute["datatype"] == "singlevaluelist"
    assert truth(village_attribute["required"]) and truth(village_attribute["variable"])
    keys = [value["key"] for value in village_attribute["values"]]
    assert keys == ["150525100001", "150525100002", "150525200001"]  # only this county's
    names = [value["name"] for value in village_attribute["values"]]
    assert names[0] == "红旗村，东风镇"
    assert not truth(definition["attributes"][1]["variable"])  # the materials, to read

    # POST, form-encoded, with the api_key
    posted = read(post(client, fmt, **a_request(o311)), fmt, "service_requests")
    [answer] = posted
    assert "service_request_id" not in answer  # batch: a token instead (spec)
    token = answer["token"]
    assert answer["account_id"] == "account-7"

    # the token call gives the id
    [by_token] = read(
        client.get(f"/open311/v2/tokens/{token}.{fmt}?jurisdiction_id={county}"),
        fmt,
        "service_requests",
    )
    assert by_token["token"] == token
    request_id = str(by_token["service_request_id"])

    # the request by id
    [row] = read(
        client.get(f"/open311/v2/requests/{request_id}.{fmt}?jurisdiction_id={county}"),
        fmt,
        "service_requests",
    )
    assert str(row["service_request_id"]) == request_id
    assert row["status"] == "open" and row["status_notes"] == "待派单"
    assert row["service_code"] == code and row["service_name"] == "高龄津贴申领"
    assert W3C.match(row["requested_datetime"]) and row["requested_datetime"].endswith("+08:00")
    assert W3C.match(row["updated_datetime"]) and W3C.match(row["expected_datetime"])
    assert row["address"] == "村委会门口，红旗村，东风镇"
    assert row["address_id"] == "150525100001"
    assert float(row["lat"]) == 43.123456 and float(row["long"]) == 121.654321
    assert row["media_url"] == "https://example.com/p/1.jpg"
    assert "139****5678" in row["description"]
    text = client.get(f"/open311/v2/requests/{request_id}.{fmt}?jurisdiction_id={county}")
    for value in PERSONAL:
        assert value not in text.content.decode()

    # the list with its filters
    def listing(**query):
        query.setdefault("jurisdiction_id", county)
        response = client.get(f"/open311/v2/requests.{fmt}?{urlencode(query)}")
        assert response.status_code == 200, response.content
        return [str(r["service_request_id"]) for r in read(response, fmt, "service_requests")]

    assert listing() == [request_id]
    assert listing(service_request_id=f"{request_id},999999") == [request_id]
    assert listing(service_code=code) == [request_id]
    assert listing(service_code=o311.items[0].code) == []
    assert listing(status="open") == [request_id]
    assert listing(status="closed") == []
    assert listing(status="open,closed") == [request_id]
    now = timezone.localtime()
    assert listing(start_date=(now - timedelta(days=1)).isoformat()) == [request_id]
    assert listing(end_date=(now - timedelta(days=1)).isoformat()) == []
    assert listing(start_date=(now - timedelta(days=3)).date().isoformat()) == [request_id]


def test_it_is_a_normal_request_that_closes_when_done(o311, client):
    """The request is in the village's dispatch queue, goes dispatch → accept → done, and its
    Open311 status turns closed then."""
    world = o311.world
    post(client, "json", **a_request(o311))
    request = ServiceRequest.objects.get(source="open311")
    assert request.region == world.village and request.status == "submitted"
    assert request.submitted_by is None and request.household is None
    url = f"/open311/v2/requests/{request.pk}.json?jurisdiction_id={world.county.code}"

    flow.dispatch(world.branch, request, world.unit_org)
    assert client.get(url).json()[0]["status"] == "open"
    assert client.get(url).json()[0]["agency_responsible"] == "青山旗农牧局"
    flow.accept(world.unit, request)
    assert client.get(url).json()[0]["status"] == "open"
    flow.finish(world.unit, request, "已上门办理")
    [row] = client.get(url).json()
    assert row["status"] == "closed" and row["status_notes"] == "待评价"


def test_it_keeps_personal_fields_but_never_returns_them(o311, client):
    post(client, "xml", **a_request(o311))
    submission = Submission.objects.get()
    assert submission.phone == "13912345678" and submission.email == "zhang@example.com"
    assert submission.attributes == {"village": [o311.world.village.code]}
    for fmt in FORMATS:
        body = client.get(
            f"/open311/v2/requests.{fmt}?jurisdiction_id={o311.world.county.code}"
        ).content.decode()
        for value in PERSONAL:
            assert value not in body


def test_it_shows_platform_requests_without_their_description_or_place(o311, client):
    """A resident's own request shows its item, status and village — not its text, address
    or coordinates, which are about the household."""
    world = o311.world
    mine = flow.submit_request(
        world.resident,
        flow.RequestInput(
            description="王建国家申请低保，身份证 150525197001010011",
            item=o311.items[0],
            household=world.household,
            address="红旗村3组12号",
        ),
    )
    [row] = client.get(
        f"/open311/v2/requests/{mine.pk}.json?jurisdiction_id={world.county.code}"
    ).json()
    assert row["description"] is None and row["lat"] is None
    assert row["address"] == "红旗村，东风镇"
    assert "王建国" not in str(row) and "3组12号" not in str(row)


def test_it_never_shows_another_countys_requests(o311, client):
    other = o311.other_county
    post(
        client,
        "json",
        **a_request(
            o311,
            api_key=o311.other_key,
            jurisdiction_id=other.code,
            service_code=o311.other_items[0].code,
            **{"attribute[village]": o311.other_village.code},
        ),
    )
    theirs = ServiceRequest.objects.get()
    assert theirs.region == o311.other_village
    county = o311.world.county.code
    assert client.get(f"/open311/v2/requests.json?jurisdiction_id={county}").json() == []
    response = client.get(f"/open311/v2/requests/{theirs.pk}.json?jurisdiction_id={county}")
    assert response.status_code == 404
    token = Submission.objects.get().token
    assert (
        client.get(f"/open311/v2/tokens/{token}.json?jurisdiction_id={county}").status_code == 404
    )
    listing = client.get(f"/open311/v2/requests.json?jurisdiction_id={other.code}").json()
    assert [r["service_request_id"] for r in listing] == [str(theirs.pk)]


def test_it_places_the_request_only_in_the_keys_county(o311, client):
    """Our key cannot post into the other county (403), nor choose its village (400)."""
    response = post(
        client,
        "json",
        **a_request(
            o311,
            jurisdiction_id=o311.other_county.code,
            service_code=o311.other_items[0].code,
        ),
    )
    assert response.status_code == 403
    response = post(client, "json", **a_request(o311, **{"attribute[village]": "150526100001"}))
    assert response.status_code == 400
    assert ServiceRequest.objects.count() == 0


# --- errors ---------------------------------------------------------------------------------


def errors_of(response, fmt):
    errors = read(response, fmt, "errors")
    assert errors and all(set(error) == {"code", "description"} for error in errors)
    return errors


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "wrong-key"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "NOPE"}, 404, "service_code"),
        ({"attribute[village]": ""}, 400, "attribute[village]"),
        ({"attribute[village]": "999"}, 400, "attribute[village]"),
        ({"lat": "", "long": "", "address_string": ""}, 400, "位置"),
        ({"long": ""}, 400, "lat 与 long"),
        ({"lat": "north"}, 400, "lat"),
        ({"jurisdiction_id": "000000"}, 404, "jurisdiction_id"),
        ({"description": "长" * 4001}, 400, "4000"),
    ],
)
def test_it_refuses_a_bad_post_in_the_specifications_error_format(
    o311, client, fmt, change, status, words
):
    response = post(client, fmt, **a_request(o311, **change))
    assert response.status_code == status
    errors = errors_of(response, fmt)
    assert str(errors[0]["code"]) == str(status)
    assert any(words in error["description"] for error in errors)
    assert ServiceRequest.objects.count() == 0


def test_it_reports_every_problem_of_a_post_at_once(o311, client):
    response = post(
        client,
        "json",
        **a_request(o311, lat="", long="", address_string="", **{"attribute[village]": ""}),
    )
    assert response.status_code == 400 and len(response.json()) == 2


def test_it_refuses_a_revoked_key(o311, client):
    revoke_key(None, ApiKey.objects.get(client_name="随手拍客户端"))
    response = post(client, "xml", **a_request(o311))
    assert response.status_code == 403
    assert ServiceRequest.objects.count() == 0


def test_it_accepts_address_alone_as_the_location(o311, client):
    response = post(client, "json", **a_request(o311, lat="", long=""))
    assert response.status_code == 200
    assert ServiceRequest.objects.get().latitude is None


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/open311/v2/services/NOPE.{fmt}?jurisdiction_id=150525", 404),
        ("/open311/v2/requests/999999.{fmt}?jurisdiction_id=150525", 404),
        ("/open311/v2/requests/abc.{fmt}?jurisdiction_id=150525", 404),
        ("/open311/v2/tokens/nothing.{fmt}?jurisdiction_id=150525", 404),
        ("/open311/v2/services.{fmt}?jurisdiction_id=000000", 404),
        ("/open311/v2/services.{fmt}", 400),  # two counties here: jurisdiction_id required
        ("/open311/v2/requests.{fmt}", 400),
        ("/open311/v2/requests.{fmt}?jurisdiction_id=150525&status=pending", 400),
        ("/open311/v2/requests.{fmt}?jurisdiction_id=150525&start_date=2026-01-01T00:00:00", 400),
        ("/open311/v2/requests.{fmt}?jurisdiction_id=150525&start_date=yesterday", 400),
        (
            "/open311/v2/requests.{fmt}?jurisdiction_id=150525"
            "&start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            400,
        ),
        ("/open311/v2/requests.{fmt}?jurisdiction_id=150525&service_request_id=1,x", 400),
    ],
)
def test_it_refuses_a_bad_get_in_the_specifications_error_format(o311, client, fmt, url, status):
    response = client.get(url.format(fmt=fmt))
    assert response.status_code == status
    assert str(errors_of(response, fmt)[0]["code"]) == str(status)


def test_jurisdiction_id_may_be_omitted_with_one_county(world, client):
    """With one county in the database, jurisdiction_id is optional (spec, Definitions)."""
    from services.tests.factories import make_catalogue

    make_catalogue(world.county)
    services = client.get("/open311/v2/services.json").json()
    assert len(services) == 4
    assert client.get("/open311/v2/requests.json").json() == []


def test_a_get_with_the_argument_empty_is_the_same_as_without(o311, client):
    """ "Optional" means the same answer whether a parameter is empty or absent (spec)."""
    county = o311.world.county.code
    post(client, "json", **a_request(o311))
    base = f"/open311/v2/requests.json?jurisdiction_id={county}"
    empty = base + "&status=&service_code=&start_date=&end_date=&service_request_id="
    assert client.get(base).json() == client.get(empty).json()


def test_it_caps_the_list_at_a_thousand_and_ninety_days(o311, client, monkeypatch):
    from open311.domain import public

    monkeypatch.setattr(public, "LIMIT", 2)
    for _ in range(3):
        post(client, "json", **a_request(o311))
    old = ServiceRequest.objects.order_by("pk").first()
    ServiceRequest.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - timedelta(days=91)
    )
    county = o311.world.county.code
    rows = client.get(f"/open311/v2/requests.json?jurisdiction_id={county}").json()
    assert len(rows) == 2 and str(old.pk) not in [r["service_request_id"] for r in rows]
    by_id = client.get(
        f"/open311/v2/requests.json?jurisdiction_id={county}&service_request_id={old.pk}"
    ).json()
    assert [r["service_request_id"] for r in by_id] == [str(old.pk)]  # ids override the window


def test_the_request_list_takes_the_same_queries_for_one_or_three(
    o311, client, django_assert_max_num_queries
):
    url = f"/open311/v2/requests.xml?jurisdiction_id={o311.world.county.code}"
    post(client, "json", **a_request(o311))
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    queries = len(one.captured_queries)  # read now: the next request resets Django's log
    assert queries <= 3  # the county, then the requests with all they show
    for _ in range(2):
        post(client, "json", **a_request(o311))
    with django_assert_max_num_queries(queries):
        assert len(read(client.get(url), "xml", "service_requests")) == 3
