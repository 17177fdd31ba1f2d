"""The command centre, its drill-down and exports, a branch's calendar, the county's
requirements page, and list pages that keep a fixed number of queries as rows grow."""

from datetime import UTC, date, datetime
from io import BytesIO
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from audit.models import AuditEntry
from orglife.domain import compliance, warnings
from orglife.domain.records import RecordInput, upload_record
from orglife.models import Exemption, Requirement, Settings

MARCH_10 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def upload(world, orglife, types, day, organization=None, topic="会议"):
    return upload_record(
        world.branch,
        organization or world.branch_org,
        RecordInput(
            activity_types=[orglife[t] for t in types],
            held_on=day,
            topic=topic,
            place="村部",
            attendance={world.member_person.pk: ("present", "")} if organization is None else {},
        ),
    )


@pytest.fixture
def march(world, orglife):
    """10 March 2026: January on time for our branch's committee meeting, February late for
    its theme day, nothing from the neighbour."""
    with at(datetime(2026, 1, 30, 2, 0, tzinfo=UTC)):
        compliance.generate_due(date(2026, 1, 30))
        upload(world, orglife, ["committee_meeting"], date(2026, 1, 29))
    with at(MARCH_10):
        compliance.generate_due(date(2026, 3, 10))
        upload(world, orglife, ["theme_day"], date(2026, 2, 20))
        warnings.sweep(MARCH_10)
    return orglife


def test_the_centre_counts_closed_periods_and_shows_the_running_ones_apart(world, march, login):
    with at(MARCH_10):
        response = login(world.township_admin).get(f"/orglife/?region={world.township.pk}")
    f = response.context["f"]
    # Closed: January and February, 2 branches × 2 monthly types = 8 due; 2 reported, 1 on time.
    assert (f.node.closed.due, f.node.closed.reported, f.node.closed.on_time) == (8, 2, 1)
    assert f.node.closed.completeness == 0.25 and f.node.closed.timeliness == 0.125
    # Running: March's monthly (4) and Q1's quarterly (4) reports.
    assert (f.node.in_progress.due, f.node.in_progress.reported) == (8, 0)
    by_child = {row.region.name: row.closed for row in f.children}
    assert (by_child["红旗村"].due, by_child["红旗村"].reported) == (4, 2)
    assert (by_child["向阳村"].due, by_child["向阳村"].reported) == (4, 0)
    html = response.content.decode()
    assert "25.0%" in html and "12.5%" in html and "<svg" in html
    assert f"/orglife/?region={world.village.pk}" in html  # drill down to the child's page
    assert f"/orglife/gaps/?region={world.township.pk}&month=2026-01&status=missing" in html
    assert response.context["open_warnings"] == 6


def test_the_centre_is_for_admins_and_branches(world, march, login):
    assert login(world.grid_worker).get("/orglife/").status_code == 404
    assert login(world.outsider).get(f"/orglife/?region={world.township.pk}").status_code == 404
    assert login(world.branch).get("/orglife/").status_code == 200  # its own village
    assert login(world.township_admin).get("/orglife/?year=abc").status_code == 404


def test_gaps_list_the_reports_behind_a_number(world, march, login):
    client = login(world.township_admin)
    with at(MARCH_10):
        late = client.get(f"/orglife/gaps/?region={world.township.pk}&month=2026-02&status=late")
        missing = client.get(
            f"/orglife/gaps/?region={world.township.pk}&year=2026&closed=1&status=missing"
        )
    rows = list(late.context["page"])
    assert [(d.organization.name, d.activity_type.code) for d in rows] == [
        ("红旗村党支部", "theme_day")
    ]
    assert f"/orglife/records/{rows[0].record_id}/" in late.content.decode()
    assert missing.context["page"].paginator.count == 6
    assert "查看预警" in missing.content.decode()


def test_centre_and_gap_exports_hold_the_tables(world, march, login):
    client = login(world.township_admin)
    with at(MARCH_10):
        children = client.get(f"/orglife/export/children.xlsx?region={world.township.pk}")
        months = client.get(f"/orglife/export/months.xlsx?region={world.township.pk}")
        gaps = client.get(
            f"/orglife/gaps/export.xlsx?region={world.township.pk}&month=2026-01&status=missing"
        )
    sheet = load_workbook(BytesIO(children.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("下级", "应报", "已报", "按时", "完整率(%)", "及时率(%)")
    assert ("红旗村", 4, 2, 1, 50.0, 25.0) in [r[:6] for r in rows]
    month_rows = list(
        load_workbook(BytesIO(months.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert month_rows[1][:4] == ("2026-01", 4, 1, 1) and month_rows[3][-1] == "进行中"
    gap_rows = list(load_workbook(BytesIO(gaps.content)).worksheets[0].iter_rows(values_only=True))
    assert sorted((r[0], r[2], r[6]) for r in gap_rows[1:]) == [
        ("向阳村党支部", "主题党日", "未报"),
        ("向阳村党支部", "支部委员会", "未报"),
        ("红旗村党支部", "主题党日", "未报"),
    ]
    assert AuditEntry.objects.filter(action="export").count() == 3
    assert login(world.township_admin).get("/orglife/export/other.xlsx").status_code == 404


def test_the_branch_calendar_shows_due_and_done(world, march, login):
    with at(MARCH_10):
        response = login(world.branch).get("/orglife/calendar/")
    types = [t.code for t in response.context["types"]]
    assert types == ["member_assembly", "committee_meeting", "party_lecture", "theme_day"]
    january, february, march_row = response.context["rows"][:3]
    committee, theme = types.index("committee_meeting"), types.index("theme_day")
    assert january["cells"][committee].state == "on_time"
    assert february["cells"][theme].state == "late"
    assert february["cells"][committee].state == "missing"
    assert february["cells"][committee].warning_id is not None
    assert march_row["cells"][committee].state == "running"
    assert "type=committee_meeting&held_on=2026-03-10" in march_row["cells"][committee].url
    assert response.context["rows"][5]["cells"][committee].state == "upcoming"


def test_an_admin_opens_a_branch_calendar(world, march, login):
    client = login(world.township_admin)
    assert "红旗村党支部" in client.get("/orglife/calendar/").content.decode()  # the picker
    page = client.get(f"/orglife/calendar/?organization={world.branch_org.pk}")
    assert page.status_code == 200
    outsider = login(world.outsider).get(f"/orglife/calendar/?organization={world.branch_org.pk}")
    assert outsider.status_code == 404


def test_the_county_admin_sets_requirements(world, login):
    client = login(world.county_admin)
    empty = client.get("/orglife/requirements/").content.decode()
    assert "/orglife/requirements/install/" in empty
    client.post(f"/orglife/requirements/install/?region={world.county.pk}")
    requirement = Requirement.objects.get(
        organization_kind="branch", activity_type__code="theme_day"
    )
    assert requirement.since.month == 1 and requirement.since.day == 1
    client.post(
        f"/orglife/requirements/{requirement.pk}/",
        {f"r{requirement.pk}-frequency": "quarterly"},
    )
    requirement.refresh_from_db()
    assert (requirement.frequency, requirement.active) == ("quarterly", False)
    client.post(
        "/orglife/requirements/settings/",
        {"region": world.county.pk, "on_time_days": 7, "correction_days": 15},
    )
    assert Settings.objects.get(region=world.county).on_time_days == 7
    assert AuditEntry.objects.filter(model="orglife.Settings", action="update").exists()
    client.post(
        "/orglife/requirements/exemptions/",
        {
            "region": world.county.pk,
            "organization": world.branch_org.pk,
            "activity_type": requirement.activity_type.pk,
            "reason": "合署开展",
        },
    )
    assert Exemption.objects.filter(organization=world.branch_org).exists()
    assert "合署开展" in client.get("/orglife/requirements/").content.decode()


def test_others_read_the_requirements_or_get_404(world, orglife, login):
    page = login(world.township_admin).get("/orglife/requirements/").content.decode()
    assert "此处只读" in page and "/orglife/requirements/settings/" not in page
    assert login(world.branch).get("/orglife/requirements/").status_code == 200
    assert login(world.resident).get("/orglife/requirements/").status_code == 404
    requirement = Requirement.objects.first()
    response = login(world.township_admin).post(
        f"/orglife/requirements/{requirement.pk}/", {f"r{requirement.pk}-frequency": "yearly"}
    )
    assert response.status_code == 404


def test_the_homes_show_organizational_life(world, march, login):
    with at(MARCH_10):
        admin = login(world.township_admin).get("/").content.decode()
        branch = login(world.branch).get("/").content.decode()
    assert "25.0%" in admin and "/orglife/?region=" in admin
    # Running on 10 March: March's committee meeting and theme day, Q1's assembly and lecture.
    assert "本期应开展 4 项，已上传 0 项" in branch and "/orglife/records/new/" in branch


# --- query counts ------------------------------------------------------------------------


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def grow(world, orglife, n: int) -> None:
    """More records, attendance, due reports and warnings."""
    for i in range(n):
        upload(world, orglife, ["party_lecture"], date(2026, 1, 2 + i), topic=f"党课{i}")
    compliance.generate_due(date(2026, 3, 10), world.county)
    warnings.sweep(MARCH_10)


@pytest.mark.parametrize(
    "persona, path",
    [
        ("township_admin", "/orglife/?region={township}"),
        ("township_admin", "/orglife/gaps/?region={township}&year=2026"),
        ("township_admin", "/orglife/warnings/?status=all"),
        ("township_admin", "/orglife/records/"),
        ("branch", "/orglife/calendar/"),
        ("member", "/orglife/my-attendance/"),
    ],
)
def test_list_pages_do_not_query_per_row(world, march, login, persona, path):
    path = path.format(township=world.township.pk)
    client = login(getattr(world, persona))
    with at(MARCH_10):
        queries_for(client, path)  # warm: session, content types
        few = queries_for(client, path)
        grow(world, march, 3)
        assert queries_for(client, path) == few


def test_the_pages_read_in_english(world, march, login):
    """Chinese on an English page is data only: names, activity types, topics, periods."""
    from django.conf import settings

    from accounts.tests.test_i18n import untranslated
    from orglife.models import ActivityRecord, ActivityType, Warning

    rec = ActivityRecord.objects.first()
    warning = Warning.objects.filter(organization=world.branch_org).first()
    data = [
        *ActivityType.objects.values_list("name", flat=True),
        *ActivityRecord.objects.values_list("topic", flat=True),
        *ActivityRecord.objects.values_list("place", flat=True),
        "年",
        "月",
        "第",
        "季度",
    ]
    pages = [
        ("township_admin", f"/orglife/?region={world.township.pk}"),
        ("township_admin", f"/orglife/gaps/?region={world.township.pk}&month=2026-02"),
        ("township_admin", "/orglife/warnings/"),
        ("township_admin", f"/orglife/warnings/{warning.pk}/"),
        ("township_admin", "/orglife/warnings/repeated/"),
        ("township_admin", "/orglife/records/"),
        ("township_admin", f"/orglife/records/{rec.pk}/"),
        ("township_admin", "/orglife/requirements/"),
        ("county_admin", "/orglife/requirements/"),
        ("branch", "/orglife/records/new/"),
        ("branch", f"/orglife/records/{rec.pk}/edit/"),
        ("branch", "/orglife/calendar/"),
        ("branch", f"/orglife/warnings/{warning.pk}/"),
        ("member", "/orglife/my-attendance/"),
    ]
    for persona, path in pages:
        client = login(getattr(world, persona))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        with at(MARCH_10):
            page = client.get(path).content.decode()
        left = {run for run in untranslated(page) if not any(run in d for d in data)}
        assert not left, (path, left)
