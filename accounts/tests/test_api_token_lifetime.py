"""API tokens expire, are revoked by any password change and by logout, and are listed and
revoked by their user and by an admin above them (issue 11, security finding: they never
expired and survived logout and a password change)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import ApiToken
from audit.models import AuditEntry
from notifications.models import Notification
from tests.world import PASSWORD


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def works(client, token: str) -> bool:
    response = client.get("/api/regions/", headers=bearer(token))
    assert response.status_code in (200, 401)
    return response.status_code == 200


def test_a_new_token_expires_after_the_configured_days(world, client):
    response = client.post(
        "/api/auth/token",
        {"username": "bob", "password": PASSWORD},
        content_type="application/json",
    )

    stored = ApiToken.objects.get()
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert abs((stored.expires - expected).total_seconds()) < 60
    assert response.json()["expires"]


def test_an_expired_token_is_refused(world, client):
    token, stored = ApiToken.create_for(world.township_admin)
    assert works(client, token)

    ApiToken.objects.filter(pk=stored.pk).update(expires=timezone.now() - timedelta(seconds=1))

    assert not works(client, token)


def test_use_does_not_extend_a_token(world, client):
    token, stored = ApiToken.create_for(world.township_admin)
    ApiToken.objects.filter(pk=stored.pk).update(last_used=None)

    works(client, token)

    assert ApiToken.objects.get().expires == stored.expires


def test_a_revoked_token_is_refused(world, client):
    token, stored = ApiToken.create_for(world.township_admin)
    ApiToken.objects.filter(pk=stored.pk).update(revoked=timezone.now())

    assert not works(client, token)


def test_set_password_and_save_revokes_every_token(world, client):
    first = ApiToken.issue(world.township_admin)
    second = ApiToken.issue(world.township_admin)
    other = ApiToken.issue(world.county_admin)

    user = type(world.township_admin).objects.get(pk=world.township_admin.pk)
    user.set_password("a-new-password-2026")
    user.save()

    assert not works(client, first)
    assert not works(client, second)
    assert works(client, other)
    entry = AuditEntry.objects.filter(model="accounts.User", object_id=str(user.pk)).latest("id")
    assert entry.changes == {"api_tokens_revoked": [0, 2]}
    assert entry.region_path == world.township.path


def test_saving_without_a_password_change_keeps_the_tokens(world, client):
    token = ApiToken.issue(world.township_admin)
    world.township_admin.display_name = "东风镇管理员"
    world.township_admin.save()

    assert works(client, token)


def test_api_logout_revokes_the_calling_token_only(world, client):
    token = ApiToken.issue(world.township_admin)
    other = ApiToken.issue(world.township_admin)

    response = client.post("/api/auth/logout", headers=bearer(token))

    assert response.status_code == 204
    assert not works(client, token)
    assert works(client, other)
    assert AuditEntry.objects.filter(model="accounts.ApiToken").count() == 1
    assert not Notification.objects.exists()  # one's own act needs no message


def test_api_logout_with_a_session_has_no_token_to_revoke(world, client):
    client.force_login(world.township_admin)
    ApiToken.issue(world.township_admin)

    response = client.post("/api/auth/logout")

    assert response.status_code in (400, 403)  # 403: the session write lacks its CSRF token
    assert not ApiToken.objects.filter(revoked__isnull=False).exists()


def test_my_account_lists_my_tokens_only(world, client):
    ApiToken.issue(world.resident)
    ApiToken.issue(world.grid_worker)
    client.force_login(world.resident)

    response = client.get("/accounts/me/")

    assert response.status_code == 200
    assert list(response.context["tokens"]) == list(ApiToken.objects.filter(user=world.resident))
    text = response.content.decode()
    assert "resident" in text and 'href="/accounts/password/"' in text


def test_a_user_revokes_their_own_token(world, client):
    token, stored = ApiToken.create_for(world.resident)
    client.force_login(world.resident)

    response = client.post(f"/accounts/me/tokens/{stored.pk}/revoke/")

    assert response.status_code == 302
    assert not works(client, token)
    assert AuditEntry.objects.get(model="accounts.ApiToken").actor == world.resident


def test_a_user_cannot_revoke_another_users_token(world, client):
    token, stored = ApiToken.create_for(world.resident)
    client.force_login(world.grid_worker)

    response = client.post(f"/accounts/me/tokens/{stored.pk}/revoke/")

    assert response.status_code == 404
    assert works(client, token)


def test_an_admin_lists_and_revokes_the_tokens_of_an_account_below(world, client):
    token, stored = ApiToken.create_for(world.resident)
    client.force_login(world.township_admin)

    listed = client.get(f"/accounts/users/{world.resident.pk}/tokens/")
    assert listed.status_code == 200
    assert stored.prefix in listed.content.decode()

    response = client.post(f"/accounts/users/{world.resident.pk}/tokens/{stored.pk}/revoke/")

    assert response.status_code == 302
    assert not works(client, token)
    entry = AuditEntry.objects.get(model="accounts.ApiToken")
    assert entry.actor == world.township_admin
    assert entry.region_path == world.village.path
    assert Notification.objects.get().user == world.resident


def test_the_outsider_admin_gets_404_on_the_tokens_page_and_revoke(world, client):
    token, stored = ApiToken.create_for(world.resident)
    client.force_login(world.outsider)

    assert client.get(f"/accounts/users/{world.resident.pk}/tokens/").status_code == 404
    response = client.post(f"/accounts/users/{world.resident.pk}/tokens/{stored.pk}/revoke/")
    assert response.status_code == 404
    assert works(client, token)


def test_an_admin_cannot_revoke_a_token_through_another_account(world, client):
    token, stored = ApiToken.create_for(world.county_admin)
    client.force_login(world.township_admin)

    response = client.post(f"/accounts/users/{world.resident.pk}/tokens/{stored.pk}/revoke/")

    assert response.status_code == 404
    assert works(client, token)


def test_the_auth_answers_conform_to_the_openapi_document(world, client):
    import copy

    import jsonschema

    document = client.get("/api/openapi.json").json()
    components = copy.deepcopy(document["components"])
    for schema in components["schemas"].values():
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)

    def check(path, response):
        described = document["paths"][path]["post"]["responses"][str(response.status_code)]
        if response.status_code == 204:
            assert not response.content
            return
        schema = described["content"]["application/json"]["schema"]
        jsonschema.Draft202012Validator({**schema, "components": components}).validate(
            response.json()
        )

    def token_for(password):
        return client.post(
            "/api/auth/token",
            {"username": "bob", "password": password},
            content_type="application/json",
        )

    issued = token_for(PASSWORD)
    check("/api/auth/token", issued)
    check(
        "/api/auth/logout", client.post("/api/auth/logout", headers=bearer(issued.json()["token"]))
    )
    check("/api/auth/logout", client.post("/api/auth/logout", headers=bearer("gone")))
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        check("/api/auth/token", token_for("wrong"))
    locked = token_for(PASSWORD)
    assert locked.status_code == 429
    check("/api/auth/token", locked)
    assert "429" in document["paths"]["/api/auth/token"]["post"]["responses"]


def test_an_issued_password_gets_no_token_until_it_is_changed(world, client):
    world.branch.must_change_password = True
    world.branch.save(update_fields=["must_change_password"])
    credentials = {"username": world.branch.username, "password": PASSWORD}

    refused = client.post("/api/auth/token", credentials, content_type="application/json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    assert not ApiToken.objects.filter(user=world.branch).exists()
