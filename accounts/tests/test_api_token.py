"""Signing in to the JSON API: tokens for phone clients, the session for the browser pages."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.utils import timezone

from accounts.models import ApiToken
from audit.models import AuditEntry
from lingyan.api import ApiError, SessionCookie
from tests.world import PASSWORD

TOKEN_URL = "/api/auth/token"


def issue(client, username: str, password: str):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_it_issues_a_token_for_good_credentials(world, client):
    response = issue(client, "bob", PASSWORD)

    assert response.status_code == 200
    token = response.json()["token"]
    stored = ApiToken.objects.get(user=world.township_admin)
    assert stored.digest == ApiToken.digest_of(token)
    assert token not in stored.digest  # only the digest is kept


def test_issuing_a_token_is_audited_as_a_login(world, client):
    issue(client, "bob", PASSWORD)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN)
    assert entry.actor == world.township_admin
    world.township_admin.refresh_from_db()
    assert world.township_admin.last_login is not None


@pytest.mark.parametrize("username, password", [("bob", "wrong"), ("nobody", PASSWORD)])
def test_it_refuses_bad_credentials_with_a_structured_error(world, client, username, password):
    response = issue(client, username, password)

    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误", "code": "invalid_credentials"}
    assert not ApiToken.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).count() == 1


def test_it_refuses_inactive_users_like_bad_credentials(world, client):
    world.township_admin.is_active = False
    world.township_admin.save()

    response = issue(client, "bob", PASSWORD)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_missing_fields_get_422_per_field(world, client):
    response = client.post(TOKEN_URL, {"username": "bob"}, content_type="application/json")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "请求参数有误",
        "code": "invalid",
        "errors": [{"field": "password", "message": "此项必填。"}],
    }


def test_malformed_json_gets_400(world, client):
    response = client.post(TOKEN_URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_bearer_token_signs_in(world, client):
    token = issue(client, "bob", PASSWORD).json()["token"]

    response = client.get("/api/regions/", headers=bearer(token))

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["items"]] == ["东风镇", "红旗村", "向阳村"]


def test_missing_token_gets_401(world, client):
    response = client.get("/api/regions/")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "请先登录，或提供有效的访问令牌。",
        "code": "not_authenticated",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Token abc"])
def test_invalid_token_gets_401(world, client, header):
    response = client.get("/api/regions/", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_refused_even_with_a_session(world, client):
    client.force_login(world.county_admin)

    response = client.get("/api/regions/", headers=bearer("not-a-token"))

    assert response.status_code == 401


def test_token_of_an_inactive_user_gets_401(world, client):
    token = ApiToken.issue(world.township_admin)
    world.township_admin.is_active = False
    world.township_admin.save()

    response = client.get("/api/regions/", headers=bearer(token))

    assert response.status_code == 401


def test_last_used_is_written_at_most_once_a_minute(world, client):
    token = ApiToken.issue(world.township_admin)
    stored = ApiToken.objects.get()

    client.get("/api/regions/", headers=bearer(token))
    stored.refresh_from_db()
    first = stored.last_used
    assert first is not None

    client.get("/api/regions/", headers=bearer(token))
    stored.refresh_from_db()
    assert stored.last_used == first

    ApiToken.objects.filter(pk=stored.pk).update(last_used=first - timedelta(minutes=2))
    client.get("/api/regions/", headers=bearer(token))
    stored.refresh_from_db()
    assert stored.last_used > first - timedelta(seconds=1)
    assert timezone.now() - stored.last_used < timedelta(minutes=1)


def test_no_write_per_request_within_the_minute(world, client, django_assert_num_queries):
    token = ApiToken.issue(world.township_admin)
    client.get("/api/grids/", headers=bearer(token))  # the first use writes last_used

    # token + user, scope, count, page
    with django_assert_num_queries(4):
        client.get("/api/grids/", headers=bearer(token))


def test_the_browser_session_signs_in(world, client):
    client.force_login(world.township_admin)

    response = client.get("/api/grids/")

    assert response.status_code == 200
    assert response.json()["count"] == 2


# The API is read-only for now, so CSRF is checked on the authentication class itself; the
# first write endpoint will add the same case through the test client.


def session_post(rf, user, **extra):
    request = rf.post("/api/anything", **extra)
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "session-key"
    request.user = user
    return request


def test_session_write_without_csrf_token_is_refused(world, rf):
    request = session_post(rf, world.county_admin)

    with pytest.raises(ApiError) as refused:
        SessionCookie()(request)

    assert (refused.value.status_code, refused.value.code) == (403, "csrf_failed")


def test_session_write_with_csrf_token_is_accepted(world, rf):
    token_source = rf.get("/")
    csrf_token = get_token(token_source)
    request = session_post(rf, world.county_admin, HTTP_X_CSRFTOKEN=csrf_token)
    request.COOKIES[settings.CSRF_COOKIE_NAME] = token_source.META["CSRF_COOKIE"]

    assert SessionCookie()(request) == world.county_admin


def test_write_without_session_cookie_is_not_a_csrf_error(world, rf):
    request = rf.post("/api/anything")
    request.user = world.county_admin  # the cookie is what makes it a session request

    assert SessionCookie()(request) is None
