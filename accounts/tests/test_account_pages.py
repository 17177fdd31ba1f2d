"""The account pages: allowed personas, outsiders (404), the shown-once password and the
forced password change at first login."""

from accounts.domain import issuing
from accounts.models import Role, User
from audit.models import AuditEntry
from tests.world import PASSWORD


def test_it_lists_the_accounts_of_the_admins_subtree_only(world, login):
    page = login(world.township_admin).get("/accounts/").content.decode()
    assert "gridder" in page and "branch" in page
    assert "charlie" not in page  # the other township's admin
    assert "alice" not in page  # the county admin holds no role in the township


def test_it_filters_by_name_role_status_and_never_logged_in(world, login):
    client = login(world.county_admin)
    assert "gridder" not in client.get("/accounts/?q=branch").content.decode()
    role_page = client.get("/accounts/?role=grid_worker").content.decode()
    assert "gridder" in role_page and ">branch<" not in role_page
    world.branch.is_active = False
    world.branch.save()
    inactive = client.get("/accounts/?status=inactive").content.decode()
    assert ">branch<" in inactive and "gridder" not in inactive
    world.grid_worker.last_login = world.grid_worker.date_joined
    world.grid_worker.save()
    never = client.get("/accounts/?never=on").content.decode()
    assert "gridder" not in never and "resident" in never


def test_a_non_admin_gets_404_on_the_admin_pages(world, login):
    client = login(world.branch)
    for path in ("/accounts/", "/accounts/new/", "/accounts/roster/", "/accounts/coverage/"):
        assert client.get(path).status_code == 404


def test_the_outsider_cannot_reach_a_township_account(world, login):
    client = login(world.outsider)
    assert client.get(f"/accounts/{world.branch.pk}/").status_code == 404
    assert client.post(f"/accounts/{world.branch.pk}/reset/").status_code == 404
    assert client.post(f"/accounts/{world.branch.pk}/deactivate/").status_code == 404
    world.branch.refresh_from_db()
    assert world.branch.is_active and world.branch.check_password(PASSWORD)


def test_a_township_admin_cannot_change_an_account_with_a_role_outside(world, login):
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(
        user=world.branch,
        role=Role.BRANCH,
        region=world.outsider_village,
        organization=world.outsider_branch_org,
    )
    client = login(world.township_admin)
    page = client.get(f"/accounts/{world.branch.pk}/").content.decode()
    assert "重置密码" not in page
    assert "柳树村党支部" not in page  # the role outside the township stays unnamed
    assert client.post(f"/accounts/{world.branch.pk}/reset/").status_code == 404


def test_reset_shows_the_password_once_and_never_caches_it(world, login):
    response = login(world.township_admin).post(f"/accounts/{world.branch.pk}/reset/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["issued"][0]["password"]
    assert password in response.content.decode()
    world.branch.refresh_from_db()
    assert world.branch.check_password(password) and world.branch.must_change_password


def test_deactivate_and_reactivate_from_the_detail_page(world, login):
    client = login(world.township_admin)
    client.post(f"/accounts/{world.grid_worker.pk}/deactivate/")
    world.grid_worker.refresh_from_db()
    assert not world.grid_worker.is_active
    page = client.get(f"/accounts/{world.grid_worker.pk}/").content.decode()
    assert "启用账号" in page and "停用账号" in page  # the button and the history entry
    client.post(f"/accounts/{world.grid_worker.pk}/reactivate/")
    world.grid_worker.refresh_from_db()
    assert world.grid_worker.is_active


def test_an_admin_does_not_deactivate_themself(world, login):
    client = login(world.county_admin)
    response = client.post(f"/accounts/{world.county_admin.pk}/deactivate/", follow=True)
    assert "不能对自己的账号执行此操作" in response.content.decode()
    world.county_admin.refresh_from_db()
    assert world.county_admin.is_active


def test_the_issue_form_searches_subjects_in_scope(world, login):
    client = login(world.township_admin)
    partial = client.get(
        "/accounts/new/?role=branch&q=村", headers={"HX-Request": "true"}
    ).content.decode()
    assert "红旗村党支部" in partial and "向阳村党支部" in partial
    assert "柳树村党支部" not in partial and "<html" not in partial
    page = client.get(f"/accounts/new/?role=grid_worker&subject={world.neighbour_grid.pk}")
    assert "checked" in page.content.decode() and "向阳村第一网格" in page.content.decode()


def test_issuing_one_account_shows_its_password_once(world, login):
    client = login(world.township_admin)
    response = client.post(
        "/accounts/new/",
        {"role": "grid_worker", "subject": world.neighbour_grid.pk, "q": "", "username": ""},
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    user = User.objects.get(username="g-g-2")
    assert user.check_password(response.context["issued"][0]["password"])


def test_a_refused_issue_keeps_the_input(world, login):
    client = login(world.township_admin)
    response = client.post(
        "/accounts/new/",
        {
            "role": "branch",
            "subject": world.branch_org.pk,
            "q": "红旗",
            "username": "my-name",
            "display_name": "红旗村",
        },
    )
    page = response.content.decode()
    assert "已有启用的支部账号" in page
    assert 'value="my-name"' in page and 'value="红旗"' in page and "checked" in page


def test_a_subject_outside_the_scope_is_not_issued(world, login):
    client = login(world.township_admin)
    response = client.post(
        "/accounts/new/", {"role": "grid_worker", "subject": world.outsider_grid.pk}
    )
    assert "请先搜索并选择对象" in response.content.decode()
    assert not User.objects.filter(username="g-g-3").exists()


def test_first_login_forces_a_password_change(world, client):
    issued = issuing.issue_account(world.township_admin, Role.GRID_WORKER, world.neighbour_grid)
    signed_in = client.post(
        "/login/", {"username": issued.user.username, "password": issued.password}
    )
    assert signed_in.status_code == 302
    assert client.get("/").url == "/accounts/password/"
    assert client.get("/households/").url == "/accounts/password/"
    page = client.get("/accounts/password/").content.decode()
    assert "初始密码" in page
    response = client.post(
        "/accounts/password/",
        {
            "old_password": issued.password,
            "new_password1": "qingshan-grid-2026",
            "new_password2": "qingshan-grid-2026",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # the session was kept
    assert AuditEntry.objects.filter(action="password_change", actor=issued.user).exists()


def test_a_wrong_old_password_changes_nothing(world, login):
    client = login(world.member)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "nope",
            "new_password1": "x-long-pass-1",
            "new_password2": "x-long-pass-1",
        },
    )
    assert response.status_code == 200
    world.member.refresh_from_db()
    assert world.member.check_password(PASSWORD)


def test_coverage_page_counts_and_links_to_issue(world, login):
    page = (
        login(world.township_admin)
        .get(f"/accounts/coverage/?region={world.township.pk}")
        .content.decode()
    )
    assert "向阳村党支部" in page and "向阳村第一网格" in page
    assert f"/accounts/new/?role=grid_worker&amp;subject={world.neighbour_grid.pk}" in page
    assert "柳树村" not in page


def test_admins_see_the_accounts_entry_in_the_nav_and_home(world, login):
    home = login(world.township_admin).get("/").content.decode()
    assert 'href="/accounts/"' in home and "/accounts/coverage/" in home
    assert 'href="/accounts/"' not in login(world.branch).get("/").content.decode()
