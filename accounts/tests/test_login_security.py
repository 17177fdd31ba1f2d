"""Failed logins are visible to the admins above the account (issue 11, security finding:
they were stored with no place in the tree, so no admin saw them), and admins unlock the
accounts of their subtree."""

from django.conf import settings

from audit.models import AuditEntry
from notifications.models import Notification
from tests.world import PASSWORD


def fail(client, username, times=1, ip="10.0.0.1"):
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)


def test_a_failed_login_is_placed_at_the_accounts_region(world, client):
    fail(client, "resident")

    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.region_path == world.village.path
    assert (entry.model, entry.object_id) == ("accounts.User", str(world.resident.pk))


def test_the_township_admin_above_sees_the_failed_login_and_the_outsider_does_not(world, client):
    fail(client, "resident")

    client.force_login(world.township_admin)
    assert "账号 resident" in client.get("/audit/?action=login_failed").content.decode()
    assert "账号 resident" in client.get("/accounts/security/").content.decode()

    client.force_login(world.outsider)
    assert "账号 resident" not in client.get("/audit/?action=login_failed").content.decode()
    assert "账号 resident" not in client.get("/accounts/security/").content.decode()


def test_an_unknown_username_stays_without_a_place(world, client):
    fail(client, "nobody")

    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.region_path == ""
    assert entry.model == ""
    client.force_login(world.county_admin)
    assert "账号 nobody" not in client.get("/accounts/security/").content.decode()


def test_the_security_page_is_404_for_non_admins(world, client):
    client.force_login(world.branch)

    assert client.get("/accounts/security/").status_code == 404


def test_an_admin_sees_and_unlocks_a_locked_account_below(world, client):
    fail(client, "resident", settings.LOGIN_FAILURES_PER_ACCOUNT)
    login = {"username": "resident", "password": PASSWORD}
    assert client.post("/login/", login, REMOTE_ADDR="10.0.0.2").status_code == 429

    admin = client_for(world.township_admin)
    page = admin.get("/accounts/security/")
    assert [account for account, _ in page.context["locked"]] == [world.resident]
    assert admin.post(f"/accounts/users/{world.resident.pk}/unlock/").status_code == 302

    assert client.post("/login/", login, REMOTE_ADDR="10.0.0.2").status_code == 302
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).get()
    assert entry.actor == world.township_admin
    assert entry.changes == {"login_locked": [True, False]}
    assert Notification.objects.get().user == world.resident


def test_the_outsider_admin_neither_sees_nor_unlocks_the_lockout(world, client):
    fail(client, "resident", settings.LOGIN_FAILURES_PER_ACCOUNT)

    outsider = client_for(world.outsider)
    assert outsider.get("/accounts/security/").context["locked"] == []
    assert outsider.post(f"/accounts/users/{world.resident.pk}/unlock/").status_code == 404

    login = {"username": "resident", "password": PASSWORD}
    assert client.post("/login/", login, REMOTE_ADDR="10.0.0.2").status_code == 429


def client_for(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


def test_refused_attempts_during_a_lockout_are_marked_as_unchecked(world, client):
    limit = settings.LOGIN_FAILURES_PER_ACCOUNT
    fail(client, "resident", limit + 2)

    summaries = list(
        AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED)
        .order_by("id")
        .values_list("object_repr", flat=True)
    )
    assert summaries == ["账号 resident"] * limit + ["账号 resident（已锁定，未校验密码）"] * 2
