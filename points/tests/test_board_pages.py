"""The grid's public board and the report pages: a household sees the month's approved scores
and objects while the window is open; the objection goes back to the branch, which upholds
it (the entry is reversed) or dismisses it; the report pages answer only those who manage
the place, in a number of queries that does not grow with the rows."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from points.domain.objections import resolve_objection
from points.models import Objection, PointEntry
from points.tests.reports_helpers import install, score
from tests.world import add_household

TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _in_march():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


@pytest.fixture
def village(world):
    install(world.branch, world.village, since=date(2025, 1, 1))
    return world


def scored(world, household, code, times=1, day=TODAY, held_on=None):
    return score(world.grid_worker, world.branch, household, code, times, day=day, held_on=held_on)


def test_the_board_shows_the_months_approved_scores_to_the_grids_residents(village, client):
    w = village
    scored(w, w.household, "X02", 2)
    scored(w, w.other_household_same_grid, "X01")
    client.force_login(w.resident)
    page = client.get(f"/points/board/{w.grid.pk}/").content.decode()
    assert "2026年3月积分公示" in page
    assert "王建国户" in page and "100 分" in page
    assert "李秀英户" in page and "10 分" in page
    assert "公示期至 2026-03-27" in page.replace("年", "-").replace("月", "-").replace(
        "日", ""
    ) or ("公示期至" in page)
    assert "提出异议" in page


def test_an_outsider_cannot_see_the_board(village, client):
    client.force_login(village.outsider)
    assert client.get(f"/points/board/{village.grid.pk}/").status_code == 404


def test_a_household_objects_and_the_branch_upholds_it(village, client):
    w = village
    entry = scored(w, w.other_household_same_grid, "X02", 2)
    client.force_login(w.resident)
    response = client.post(
        f"/points/board/{w.grid.pk}/objections/?month=2026-03",
        {"entry": entry.pk, "reason": "李家那天没有出车"},
    )
    assert response.status_code == 302
    objection = Objection.objects.get(entry=entry)
    assert objection.status == Objection.Status.OPEN and objection.raised_by == w.resident
    page = client.get(response["Location"]).content.decode()
    assert "异议处理中" in page and "异议已提交" in page

    resolve_objection(w.branch, objection, upheld=True, resolution="经核实，出车一次")
    reversal = PointEntry.objects.get(reverses=entry)
    assert reversal.points == -100
    page = client.get(f"/points/board/{w.grid.pk}/?month=2026-03").content.decode()
    assert "冲正" in page and "-100" in page


def test_an_objection_after_the_window_is_refused_and_keeps_the_reason(village, client):
    w = village
    entry = scored(w, w.household, "X02", day=date(2026, 3, 2), held_on=TODAY - timedelta(days=8))
    client.force_login(w.resident)
    response = client.post(
        f"/points/board/{w.grid.pk}/objections/?month=2026-03",
        {"entry": entry.pk, "reason": "出车次数不对"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "公示异议期已过" in page
    assert not Objection.objects.exists()


def test_an_objection_needs_a_reason(village, client):
    w = village
    entry = scored(w, w.household, "X02")
    client.force_login(w.resident)
    response = client.post(
        f"/points/board/{w.grid.pk}/objections/?month=2026-03", {"entry": entry.pk, "reason": ""}
    )
    assert response.status_code == 422
    assert not Objection.objects.exists()


def test_an_objection_to_another_grids_entry_is_refused(village, client, world):
    install(world.township_admin, world.neighbour_village, since=date(2025, 1, 1))
    other = score(world.township_admin, world.township_admin, world.neighbour_household, "X02")
    client.force_login(world.resident)
    response = client.post(
        f"/points/board/{world.grid.pk}/objections/", {"entry": other.pk, "reason": "不对"}
    )
    assert response.status_code == 422
    assert "公示栏上没有这条积分" in response.content.decode()


def test_the_village_settings_refuse_bands_out_of_order_and_keep_the_input(village, client):
    client.force_login(village.branch)
    url = f"/points/settings/{village.village.pk}/"
    data = {
        "objection_days": 10, "honour_share": 10, "honour_limit": 10, "credit_excellent": 100,
        "credit_good": 200, "credit_fair": 50, "reserve_share": 20, "recruit_share": 30,
        "activist_share": 20,
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 422
    assert "优秀 &gt; 良好 &gt; 一般" in response.content.decode()
    assert 'value="10"' in response.content.decode()
    response = client.post(url, {**data, "credit_excellent": 300})
    assert response.status_code == 302
    assert village.village.points_policy.objection_days == 10


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/points/tally/?grid={grid}",
        "/points/tally/?region={township}",
        "/points/rankings/?region={township}",
        "/points/linkages/star/?region={township}",
        "/points/linkages/reserve/?region={township}",
        "/points/board/{grid}/",
    ],
)
def test_report_pages_take_as_many_queries_for_one_household_as_for_three(village, client, url):
    w = village
    client.force_login(w.township_admin)
    url = url.format(grid=w.grid.pk, township=w.township.pk)
    scored(w, w.household, "X02")
    one = queries(client, url)
    for name in ("周桂芝", "吴晓东"):
        scored(w, add_household(w.grid, name), "X01")
    scored(w, w.other_household_same_grid, "X01")
    assert queries(client, url) == one


def test_a_resident_and_a_clerk_see_no_tally(village, client):
    for persona in (village.resident, village.clerk):
        client.force_login(persona)
        assert client.get("/points/tally/").status_code == 404
        assert client.get(f"/points/rankings/?grid={village.grid.pk}").status_code == 404


def test_the_board_and_the_household_page_show_a_deduction_in_full(village, client):
    """Seed 004's "违反一次扣10分" on a household with nothing: −10, not +0."""
    w = village
    scored(w, w.household, "F01")
    client.force_login(w.resident)
    page = client.get(f"/points/board/{w.grid.pk}/").content.decode()
    assert "-10 分" in page and '<span class="pts">-10</span>' in page
    assert "+0" not in page
    home = client.get(f"/points/households/{w.household.pk}/").content.decode()
    assert '<div class="n" data-balance>-10</div>' in home and "+0" not in home
    assert "-10" in home
