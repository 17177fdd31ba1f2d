"""The command centre's headline says what it counts: which months (the periods that have
ended), what complete and on time mean, and that the running period is shown apart until it
ends — a township saw "in progress" only and could not tell why the figure did not move."""

from django.utils import timezone

from orglife.views import headline_periods


def test_it_says_which_periods_the_headline_counts_and_what_the_running_one_shows(world, login):
    today = timezone.localdate()
    page = login(world.township_admin).get(f"/orglife/?region={world.township.pk}").content
    text = page.decode()
    if today.month > 1:
        assert f"完整率、及时率统计 {today.year} 年 1–{today.month - 1} 月已结束的周期" in text
    else:
        assert f"{today.year} 年尚无已结束的周期" in text
    assert "周期结束后 5 天内上传" in text  # on time, with the county's window
    assert f"本期（{today:%Y-%m}）尚未结束" in text
    assert "本期结束后（下月起）才计入" in text


def test_a_past_year_counts_all_twelve_months_and_has_no_running_period(world, login):
    year = timezone.localdate().year - 1
    page = login(world.township_admin).get(f"/orglife/?region={world.township.pk}&year={year}")
    text = page.content.decode()
    assert f"完整率、及时率统计 {year} 年 1–12 月已结束的周期" in text
    assert "尚未结束" not in text


def test_the_headline_periods_follow_the_calendar():
    from datetime import date

    assert headline_periods(2026, date(2026, 1, 1)) == {
        "closed_through": 0,
        "running_month": date(2026, 1, 1),
    }
    assert headline_periods(2026, date(2026, 12, 1))["closed_through"] == 11
    assert headline_periods(2025, date(2026, 12, 1)) == {
        "closed_through": 12,
        "running_month": None,
    }
    assert headline_periods(2027, date(2026, 12, 1))["closed_through"] == 0
