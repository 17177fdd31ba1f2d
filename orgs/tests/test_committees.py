"""The two-committee structure check (seed 003) per village and rolled up."""

from datetime import date

from orgs.domain import committees
from orgs.domain.people import save_committee_post
from orgs.models import CommitteePost

TODAY = date(2026, 11, 23)


def post(region, name, **fields):
    values = {
        "gender": "male",
        "birth_date": date(1975, 5, 1),
        "education": "senior",
        "is_party_member": True,
        "term_start": date(2021, 6, 1),
    }
    values.update(fields)
    return save_committee_post(None, CommitteePost(region=region, name=name, **values))


def staff_passing_village(region):
    post(region, "书记主任", party_post="secretary", villagers_post="chair")
    post(region, "女委员", gender="female", villagers_post="member", party_post="member")
    post(region, "大学生", education="bachelor", birth_date=date(1992, 1, 1), party_post="member")
    post(region, "群众委员", villagers_post="member", is_party_member=False)


def test_a_village_meeting_every_criterion_passes(world):
    staff_passing_village(world.village)
    [check] = committees.village_checks(world.village, TODAY)
    assert check.results == dict.fromkeys(committees.CRITERIA, True)
    assert check.passed and check.holds_both_chairs


def test_party_members_must_be_more_than_half_of_the_villagers_committee(world):
    staff_passing_village(world.village)
    post(world.village, "群众委员二", villagers_post="member", is_party_member=False)
    [check] = committees.village_checks(world.village, TODAY)
    # 3 in the villagers' committee … now 4 with 2 party members: exactly half is not enough.
    assert (check.villagers_committee, check.villagers_committee_party) == (4, 2)
    assert not check.results["party_majority"] and not check.passed


def test_aged_35_counts_as_young_and_36_does_not(world):
    post(world.village, "三十五岁", party_post="secretary", birth_date=date(1991, 11, 23))
    [check] = committees.village_checks(world.village, TODAY)
    assert check.young == 1
    CommitteePost.objects.update(birth_date=date(1990, 11, 23))
    [check] = committees.village_checks(world.village, TODAY)
    assert check.young == 0


def test_ended_terms_do_not_count(world):
    staff_passing_village(world.village)
    CommitteePost.objects.filter(name="女委员").update(term_end=date(2024, 1, 1))
    [check] = committees.village_checks(world.village, TODAY)
    assert not check.results["woman"]


def test_rollup_counts_villages_per_child(world):
    staff_passing_village(world.village)
    post(world.outsider_village, "只有书记", party_post="secretary")
    total, children = committees.rollup(world.county, TODAY)
    assert (total.villages, total.recorded, total.passed) == (3, 2, 1)
    by_name = {c.region.name: c for c in children}
    assert (by_name["东风镇"].villages, by_name["东风镇"].passed) == (2, 1)
    assert by_name["西河镇"].passed == 0


def test_committee_pages_show_the_check(world, login):
    staff_passing_village(world.village)
    page = login(world.township_admin).get(f"/committees/?region={world.township.pk}")
    assert "红旗村" in page.content.decode() and "达标" in page.content.decode()
    page = login(world.branch).get(f"/committees/villages/{world.village.pk}/")
    assert "书记主任" in page.content.decode() and "一肩挑" in page.content.decode()
