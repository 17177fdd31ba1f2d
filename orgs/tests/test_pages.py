"""The tree browser, the member and household lists and the personal-data reveal."""

from audit.models import AuditEntry


def test_township_admin_member_list_shows_only_own_township(world, login):
    page = login(world.township_admin).get("/members/").content.decode()
    assert "张红梅" in page and "刘志强" in page
    assert "陈海" not in page


def test_member_search_by_name_and_id_suffix(world, login):
    client = login(world.county_admin)
    assert "张红梅" in client.get("/members/?q=红梅").content.decode()
    suffix = world.member_person.id_number[-4:]
    page = client.get(f"/members/?q={suffix}").content.decode()
    assert "张红梅" in page and "陈海" not in page


def test_member_filter_by_region_of_other_township_is_404(world, login):
    response = login(world.township_admin).get(f"/members/?region={world.other_township.pk}")
    assert response.status_code == 404


def test_bad_filter_value_is_reported_not_ignored(world, login):
    response = login(world.county_admin).get("/members/?status=bogus")
    page = response.content.decode()
    assert response.status_code == 200
    assert "查询条件有误" in page and "张红梅" not in page


def test_lists_mask_personal_data(world, login):
    page = login(world.county_admin).get(f"/members/{world.member_person.pk}/").content.decode()
    assert world.member_person.id_number not in page
    assert world.member_person.id_number[-4:] in page


def test_reveal_shows_full_values_and_is_logged(world, login):
    client = login(world.branch)
    response = client.post(f"/members/{world.member_person.pk}/reveal/")
    assert world.member_person.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action="view_personal_data")
    assert entry.actor == world.branch and entry.object_id == str(world.member_person.pk)


def test_reveal_refused_for_role_that_does_not_need_it(world, login):
    # A grid worker sees the member living in their grid, but has no need for the ID number.
    response = login(world.grid_worker).post(f"/members/{world.member_person.pk}/reveal/")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="view_personal_data").exists()


def test_region_page_drills_down_with_counts(world, login):
    client = login(world.county_admin)
    page = client.get(f"/tree/regions/{world.county.pk}/").content.decode()
    assert "东风镇" in page and "西河镇" in page
    page = client.get(f"/tree/regions/{world.village.pk}/").content.decode()
    assert "红旗村第一网格" in page and "红旗村党支部" in page
    page = client.get(f"/tree/grids/{world.grid.pk}/").content.decode()
    assert "王建国" in page and "李秀英" in page


def test_each_role_has_a_home(world, login, client):
    expected = {
        "county_admin": "青山旗",
        "township_admin": "东风镇",
        "branch": "红旗村党支部",
        "grid_worker": "红旗村第一网格",
        "member": "张红梅",
        "resident": "王建国户",
        "unit": "青山旗农牧局",
        "clerk": "爱心超市",
    }
    for persona, text in expected.items():
        client.force_login(getattr(world, persona))
        assert text in client.get("/").content.decode(), persona


def test_member_list_query_count_does_not_grow_with_rows(
    world, login, django_assert_max_num_queries
):
    from tests.world import add_member

    client = login(world.county_admin)
    client.get("/members/")
    with django_assert_max_num_queries(12) as few:
        client.get("/members/")
    for n in range(5):
        add_member(world.branch_org, f"新党员{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/members/")


def test_admin_list_total_comes_from_the_counters_and_matches_the_rows(world, login):
    client = login(world.township_admin)
    for path, expected in [("/members/", 2), (f"/households/?region={world.village.pk}", 2)]:
        page = client.get(path).context["page"]
        assert page.paginator.count == expected == len(page.object_list)
    filtered = client.get("/members/?q=张").context["page"]
    assert filtered.paginator.count == 1
