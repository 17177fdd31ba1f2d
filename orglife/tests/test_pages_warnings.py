"""The warning pages: the list, the detail with its history, and each move by the person
whose move it is — through htmx partials, with a clear word when someone was quicker."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from audit.models import AuditEntry
from orglife.domain import compliance, warnings
from orglife.models import Warning
from orglife.tests.url_cases import jpeg_bytes

AFTER_JANUARY = datetime(2026, 2, 6, 1, 0, tzinfo=UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def warned(world, orglife):
    """January's warnings raised; returns the branch's committee-meeting warning."""
    compliance.generate_due(date(2026, 2, 6))
    warnings.sweep(AFTER_JANUARY)
    return Warning.objects.get(
        organization=world.branch_org, activity_type=orglife["committee_meeting"]
    )


def test_the_list_shows_the_users_warnings_only(world, warned, login):
    page = login(world.township_admin).get("/orglife/warnings/").content.decode()
    assert page.count('id="warning-') == 4  # two branches × two monthly types
    assert "柳树村党支部" not in page
    own = login(world.branch).get("/orglife/warnings/").content.decode()
    assert own.count('id="warning-') == 2


def test_closed_warnings_are_hidden_unless_asked_for(world, warned, login):
    warnings.rectify(world.branch, warned, "已补开")
    warnings.close(world.township_admin, warned)
    client = login(world.branch)
    assert client.get("/orglife/warnings/").content.decode().count('id="warning-') == 1
    closed = client.get("/orglife/warnings/?status=closed").content.decode()
    assert closed.count('id="warning-') == 1 and f'id="warning-{warned.pk}"' in closed
    assert client.get("/orglife/warnings/?status=all").content.decode().count('id="warning-') == 2


def test_the_branch_acknowledges_from_the_list_row(world, warned, login):
    response = login(world.branch).post(
        f"/orglife/warnings/{warned.pk}/acknowledge/", {"partial": "row"}, **HTMX
    )
    html = response.content.decode()
    assert html.startswith(f'<tr id="warning-{warned.pk}">') and "已知悉" in html
    warned.refresh_from_db()
    assert warned.status == Warning.Status.ACKNOWLEDGED


def test_a_move_already_made_says_so(world, warned, login):
    client = login(world.branch)
    client.post(f"/orglife/warnings/{warned.pk}/acknowledge/", **HTMX)
    again = client.post(f"/orglife/warnings/{warned.pk}/acknowledge/", **HTMX).content.decode()
    assert "该预警的状态已被他人更改（现为“已知悉”）" in again
    assert list(warned.events.values_list("to_status", flat=True)) == ["open", "acknowledged"]


def test_only_the_warned_organization_rectifies_and_only_a_superior_closes(world, warned, login):
    admin = login(world.township_admin)
    assert admin.post(f"/orglife/warnings/{warned.pk}/acknowledge/").status_code == 403
    branch = login(world.branch)
    branch.post(f"/orglife/warnings/{warned.pk}/rectify/", {"explanation": "已补开"})
    assert branch.post(f"/orglife/warnings/{warned.pk}/close/").status_code == 403
    assert login(world.outsider).post(f"/orglife/warnings/{warned.pk}/close/").status_code == 404
    assert (
        login(world.county_admin).post(f"/orglife/warnings/{warned.pk}/close/").status_code == 302
    )
    warned.refresh_from_db()
    assert warned.status == Warning.Status.CLOSED


def test_rectify_with_a_pdf_and_the_superior_sees_it(world, warned, login):
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%evidence\n", content_type="application/pdf")
    response = login(world.branch).post(
        f"/orglife/warnings/{warned.pk}/rectify/",
        {"explanation": "因防汛推迟，已于2月3日补开", "evidence": pdf},
        **HTMX,
    )
    assert "已整改" in response.content.decode()
    client = login(world.township_admin)
    detail = client.get(f"/orglife/warnings/{warned.pk}/").content.decode()
    assert "因防汛推迟" in detail and f"/orglife/warnings/{warned.pk}/evidence/" in detail
    evidence = client.get(f"/orglife/warnings/{warned.pk}/evidence/")
    assert b"".join(evidence.streaming_content).startswith(b"%PDF-")


def test_rectify_with_a_photo_or_refuse_other_files(world, warned, login):
    client = login(world.branch)
    bad = SimpleUploadedFile("notes.docx", b"PK\x03\x04 not accepted")
    refused = client.post(
        f"/orglife/warnings/{warned.pk}/rectify/", {"explanation": "说明", "evidence": bad}, **HTMX
    ).content.decode()
    assert "整改材料只能是照片" in refused and "说明" in refused
    warned.refresh_from_db()
    assert warned.status == Warning.Status.OPEN
    image = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    client.post(
        f"/orglife/warnings/{warned.pk}/rectify/", {"explanation": "说明", "evidence": image}
    )
    warned.refresh_from_db()
    assert warned.status == Warning.Status.RECTIFIED and warned.evidence.name.endswith(".jpg")


def test_sending_back_needs_a_reason(world, warned, login):
    warnings.rectify(world.branch, warned, "已补开")
    client = login(world.township_admin)
    refused = client.post(f"/orglife/warnings/{warned.pk}/reopen/", {"note": ""}, **HTMX)
    assert "请说明退回原因" in refused.content.decode()
    client.post(f"/orglife/warnings/{warned.pk}/reopen/", {"note": "缺少会议照片"}, **HTMX)
    warned.refresh_from_db()
    assert warned.status == Warning.Status.ACKNOWLEDGED
    history = client.get(f"/orglife/warnings/{warned.pk}/").content.decode()
    assert "缺少会议照片" in history and "已整改 → 已知悉" in history


def test_repeated_warnings_are_listed_for_superiors(world, warned, login):
    page = login(world.township_admin).get(
        f"/orglife/warnings/repeated/?region={world.township.pk}"
    )
    rows = page.context["rows"]
    assert {r["organization__name"]: r["count"] for r in rows} == {
        "红旗村党支部": 2,
        "向阳村党支部": 2,
    }
    assert login(world.branch).get("/orglife/warnings/repeated/").status_code == 404


def test_the_warnings_export_holds_the_listed_rows(world, warned, login):
    response = login(world.township_admin).get(
        f"/orglife/warnings/export.xlsx?region={world.township.pk}"
    )
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "党组织", "活动类型")
    assert sorted(r[1] for r in rows[1:]) == ["向阳村党支部"] * 2 + ["红旗村党支部"] * 2
    assert all(r[5] == "待处理" for r in rows[1:])
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes == {"kind": "orglife_warnings", "rows": 4}
