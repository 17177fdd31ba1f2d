"""Login throttling (issue 11, security finding): 30 wrong passwords in a few seconds, then
the right one, used to work on /login/ and on POST /api/auth/token."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from accounts.models import ApiToken
from audit.models import AuditEntry
from tests.world import PASSWORD

TOKEN_URL = "/api/auth/token"


def page_login(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def api_login(client, username, password, ip="10.0.0.1"):
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_it_locks_the_login_page_after_30_wrong_passwords(world, client):
    for _ in range(30):
        page_login(client, "bob", "wrong")

    response = page_login(client, "bob", PASSWORD)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    text = response.content.decode()
    assert "登录失败次数过多" in text and "分钟后再试" in text
    assert 'value="bob"' in text  # the typed username stays
    assert "_auth_user_id" not in client.session


def test_it_locks_the_token_endpoint_after_30_wrong_passwords(world, client):
    for _ in range(30):
        api_login(client, "bob", "wrong")

    response = api_login(client, "bob", PASSWORD)

    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 0 < seconds <= settings.LOGIN_COOLOFF_MINUTES * 60
    body = response.json()
    assert body["code"] == "locked_out"
    assert body["retry_after"] == seconds
    assert "分钟后再试" in body["detail"]
    assert not ApiToken.objects.exists()


def test_the_account_is_locked_on_every_address(world, client):
    for attempt in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        api_login(client, "bob", "wrong", ip=f"10.0.1.{attempt}")

    assert api_login(client, "bob", PASSWORD, ip="10.0.2.1").status_code == 429
    assert page_login(client, "bob", PASSWORD, ip="10.0.2.2").status_code == 429
    # another account is not affected
    assert api_login(client, "alice", PASSWORD, ip="10.0.2.3").status_code == 200


def test_an_address_is_locked_across_accounts_at_its_own_limit(world, client):
    for attempt in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        api_login(client, f"guess{attempt}", "wrong", ip="10.9.9.9")

    assert api_login(client, "bob", PASSWORD, ip="10.9.9.9").status_code == 429
    assert api_login(client, "bob", PASSWORD, ip="10.9.9.8").status_code == 200


def test_a_few_failures_below_the_limit_do_not_lock(world, client):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT - 1):
        page_login(client, "bob", "wrong")

    response = page_login(client, "bob", PASSWORD)

    assert response.status_code == 302


def test_the_lockout_ends_by_itself_after_the_cool_off(world, client):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        api_login(client, "bob", "wrong")
    assert api_login(client, "bob", PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES, seconds=1)
    )

    assert api_login(client, "bob", PASSWORD).status_code == 200


def test_refused_attempts_during_the_lockout_do_not_prolong_it(world, client):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        api_login(client, "bob", "wrong")
    earlier = timezone.now() - timedelta(minutes=10)
    AccessAttempt.objects.update(attempt_time=earlier)

    response = api_login(client, "bob", "wrong")

    assert response.status_code == 429
    assert AccessAttempt.objects.get().attempt_time == earlier
    assert int(response["Retry-After"]) <= 5 * 60 + 1


def test_an_unknown_username_is_answered_like_a_known_one(world, client):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        known = api_login(client, "bob", "wrong", ip="10.0.3.1")
        unknown = api_login(client, "nobody", "wrong", ip="10.0.3.2")
        assert known.status_code == unknown.status_code
        assert known.json() == unknown.json()

    assert api_login(client, "bob", "x", ip="10.0.3.1").json()["code"] == "locked_out"
    assert api_login(client, "nobody", "x", ip="10.0.3.2").json()["code"] == "locked_out"


def test_a_client_sent_forwarded_header_does_not_change_the_address(world, client):
    for attempt in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        client.post(
            TOKEN_URL,
            {"username": f"guess{attempt}", "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR="10.7.7.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )

    assert api_login(client, "bob", PASSWORD, ip="10.7.7.7").status_code == 429


def test_the_lockout_is_audited_once_at_the_account(world, client):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 3):
        api_login(client, "bob", "wrong")

    lockouts = AuditEntry.objects.filter(action=AuditEntry.Action.LOCKOUT)
    assert lockouts.count() == 1
    assert lockouts.get().region_path == world.township.path


@pytest.mark.parametrize("path", ["/login/", TOKEN_URL])
def test_successful_logins_are_not_counted(world, client, path):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 2):
        if path == TOKEN_URL:
            assert api_login(client, "bob", PASSWORD).status_code == 200
        else:
            assert page_login(client, "bob", PASSWORD).status_code == 302
            client.logout()
    assert not AccessAttempt.objects.exists()
