"""The county admin's API-key page: list, issue (the key shown once, only its digest kept),
revoke; audited; county admins only — a township admin and another county's admin get 404."""

from urllib.parse import urlencode

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from open311.models import ApiKey
from open311.tests.conftest import KEY

FORM = "application/x-www-form-urlencoded"


def test_it_lists_the_countys_keys(o311, login):
    response = login(o311.world.county_admin).get("/open311/keys/")
    assert response.status_code == 200
    assert "随手拍客户端" in response.content.decode()
    assert "西山旗客户端" not in response.content.decode()


def test_it_issues_a_key_shown_once_and_stores_its_digest(o311, login):
    client = login(o311.world.county_admin)
    response = client.post("/open311/keys/new/", {"client_name": "村村通", "contact": "客服 400"})
    assert response.status_code == 302  # a reload of the answer does not issue again
    response = client.get(response["Location"])
    key = ApiKey.objects.get(client_name="村村通")
    secret = response.context["issued"]["key"]
    assert secret in response.content.decode()
    assert key.digest == ApiKey.digest_of(secret) and secret not in key.digest
    assert key.region == o311.world.county and key.issued_by == o311.world.county_admin
    assert secret not in client.get("/open311/keys/").content.decode()
    assert secret not in client.get(f"/open311/keys/{key.pk}/").content.decode()
    entry = AuditEntry.objects.get(model="open311.ApiKey", object_id=str(key.pk))
    assert entry.actor == o311.world.county_admin and secret not in str(entry.changes)


def test_it_keeps_what_was_typed_when_the_name_is_missing(o311, login):
    response = login(o311.world.county_admin).post(
        "/open311/keys/new/", {"client_name": " ", "contact": "客服 400"}
    )
    assert response.status_code == 200
    assert not response.context.get("issued")
    assert response.context["form"].errors["client_name"]
    assert 'value="客服 400"' in response.content.decode()


def test_it_revokes_a_key_once(o311, login, client):
    key = ApiKey.objects.get(client_name="随手拍客户端")
    admin = login(o311.world.county_admin)
    response = admin.post(f"/open311/keys/{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == o311.world.county_admin
    admin.post(f"/open311/keys/{key.pk}/revoke/")
    assert AuditEntry.objects.filter(model="open311.ApiKey", action="update").count() == 1
    posted = client.post(
        "/open311/v2/requests.json",
        urlencode({"api_key": KEY, "service_code": "01001"}),
        content_type=FORM,
    )
    assert posted.status_code == 403


def test_the_detail_page_masks_the_submitters_contact(o311, login, client):
    world = o311.world
    client.post(
        "/open311/v2/requests.json",
        urlencode(
            {
                "api_key": KEY,
                "jurisdiction_id": world.county.code,
                "service_code": "01002",
                "address_string": "村部",
                "attribute[village]": world.village.code,
                "phone": "13912345678",
                "email": "zhang@example.com",
                "last_name": "张",
                "first_name": "三丰",
            }
        ),
        content_type=FORM,
    )
    key = ApiKey.objects.get(client_name="随手拍客户端")
    page = login(world.county_admin).get(f"/open311/keys/{key.pk}/").content.decode()
    assert "139****5678" in page and "z***@example.com" in page and "张**" in page
    assert "13912345678" not in page and "zhang@example.com" not in page and "三丰" not in page


def test_outsiders_get_404(o311, login):
    key = ApiKey.objects.get(client_name="随手拍客户端")
    for outsider in (o311.other_county_admin, o311.world.township_admin, o311.world.branch):
        client = login(outsider)
        assert client.get(f"/open311/keys/{key.pk}/").status_code == 404
        assert client.post(f"/open311/keys/{key.pk}/revoke/").status_code == 404
    for not_county_admin in (o311.world.township_admin, o311.world.branch, o311.world.resident):
        client = login(not_county_admin)
        assert client.get("/open311/keys/").status_code == 404
        assert client.post("/open311/keys/new/", {"client_name": "x"}).status_code == 404
    key.refresh_from_db()
    assert key.is_active
    assert not ApiKey.objects.filter(client_name="x").exists()


def test_another_countys_admin_sees_only_their_own_keys(o311, login):
    page = login(o311.other_county_admin)
    # diana administers 西山旗 — her page lists its key, not ours
    response = page.get("/open311/keys/")
    assert response.status_code == 200
    assert "西山旗客户端" in response.content.decode()
    assert "随手拍客户端" not in response.content.decode()


def test_the_list_page_query_count_does_not_grow_with_keys(
    o311, login, django_assert_max_num_queries
):
    from open311.domain.keys import issue_key

    client = login(o311.world.county_admin)
    client.get("/open311/keys/")
    with CaptureQueriesContext(connection) as few:
        client.get("/open311/keys/")
    assert 0 < len(few.captured_queries) <= 12
    for n in range(3):
        issue_key(None, o311.world.county, f"客户端{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/open311/keys/")
