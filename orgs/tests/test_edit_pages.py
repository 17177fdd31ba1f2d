"""Adding and changing members, households and two-committee posts through the pages."""

from datetime import date

from audit.models import AuditEntry
from core.idnumbers import complete
from orgs.domain.counts import subtree_counts
from orgs.models import CommitteePost, Household, Member


def member_data(world, **overrides):
    data = {
        "name": "新党员",
        "gender": "female",
        "birth_date": "1995-03-08",
        "id_number": complete("15052519950308002"),
        "phone": "13912345678",
        "education": "bachelor",
        "status": "probationary",
        "joined_on": "2025-07-01",
        "organization": world.branch_org.pk,
        "household_code": world.household.code,
        "mobile_location": "",
        "workplace": "",
    }
    data.update(overrides)
    return data


def test_branch_adds_a_member_who_is_counted_and_audited(world, login):
    response = login(world.branch).post("/members/new/", member_data(world))
    member = Member.objects.get(name="新党员")
    assert response.status_code == 302 and response["Location"] == f"/members/{member.pk}/"
    assert member.household == world.household and member.org_path == world.branch_org.path
    assert subtree_counts(world.village).members == 2
    assert AuditEntry.objects.filter(action="create", object_id=str(member.pk)).exists()


def test_bad_input_keeps_what_was_typed_and_says_why(world, login):
    data = member_data(world, id_number="150525199503080000", is_mobile="on")
    response = login(world.branch).post("/members/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "校验位" in page and "流动党员请填写外出地点" in page
    assert 'value="新党员"' in page and 'value="13912345678"' in page
    assert not Member.objects.filter(name="新党员").exists()


def test_branch_cannot_put_a_member_into_another_branch(world, login):
    data = member_data(world, organization=world.neighbour_branch_org.pk)
    response = login(world.branch).post("/members/new/", data)
    assert response.status_code == 200 and not Member.objects.filter(name="新党员").exists()


def test_duplicate_id_number_is_refused_with_a_message(world, login):
    data = member_data(world, id_number=world.neighbour_member.id_number)
    page = login(world.county_admin).post("/members/new/", data).content.decode()
    assert "已存在" in page


def test_editing_a_member_records_only_what_changed(world, login):
    client = login(world.branch)
    person = world.member_person
    client.get(f"/members/{person.pk}/edit/")  # shows full personal data: logged
    assert AuditEntry.objects.filter(action="view_personal_data", object_id=str(person.pk)).exists()
    data = member_data(
        world,
        name=person.name,
        gender=person.gender,
        birth_date=person.birth_date.isoformat(),
        id_number=person.id_number,
        phone="13800001111",
        education=person.education,
        status=person.status,
        joined_on=person.joined_on.isoformat(),
    )
    assert client.post(f"/members/{person.pk}/edit/", data).status_code == 302
    entry = AuditEntry.objects.filter(action="update").latest("pk")
    assert entry.changes == {"phone": [person.phone, "13800001111"]}


def test_grid_worker_cannot_edit(world, login):
    response = login(world.grid_worker).get(f"/households/{world.household.pk}/edit/")
    assert response.status_code == 404
    assert login(world.grid_worker).get("/members/new/").status_code == 404


def test_township_admin_adds_a_household_to_a_grid(world, login):
    data = {
        "code": "H-NEW-1",
        "head_name": "周大山",
        "head_id_number": "",
        "phone": "",
        "address": "红旗村三组",
        "size": "4",
        "grid": world.grid.pk,
        "liaison_id_number": world.member_person.id_number,
    }
    response = login(world.township_admin).post("/households/new/", data)
    household = Household.objects.get(code="H-NEW-1")
    assert response.status_code == 302
    assert household.liaison == world.member_person and household.region == world.village


def test_committee_posts_are_entered_and_ended(world, login):
    client = login(world.branch)
    data = {
        "name": "王书记",
        "gender": "male",
        "birth_date": "1980-05-01",
        "education": "college",
        "is_party_member": "on",
        "party_post": "secretary",
        "villagers_post": "chair",
        "term_start": "2021-06-01",
        "term_end": "",
    }
    response = client.post(f"/committees/villages/{world.village.pk}/posts/new/", data)
    assert response.status_code == 302
    post = CommitteePost.objects.get(name="王书记")
    assert post.holds_both_chairs
    data |= {"term_end": "2020-01-01"}
    page = client.post(f"/committees/posts/{post.pk}/edit/", data).content.decode()
    assert "任期结束不能早于任期开始" in page
    data |= {"term_end": "2026-01-01"}
    assert client.post(f"/committees/posts/{post.pk}/edit/", data).status_code == 302
    assert CommitteePost.objects.get(pk=post.pk).term_end == date(2026, 1, 1)


def test_a_post_needs_at_least_one_post(world, login):
    data = {
        "name": "无职务",
        "gender": "male",
        "birth_date": "1980-05-01",
        "education": "college",
        "party_post": "",
        "villagers_post": "",
        "term_start": "2021-06-01",
    }
    page = login(world.branch).post(f"/committees/villages/{world.village.pk}/posts/new/", data)
    assert "请至少填写一个职务" in page.content.decode()
