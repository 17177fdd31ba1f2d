"""The pages of organizational life as a story (the issue's "done when"), and the record
upload form: photos, a bad photo, duplicates, the correction lock."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from notifications.models import Notification
from orglife.domain import compliance
from orglife.domain.records import RecordInput, upload_record
from orglife.domain.sweeps import run_sweep
from orglife.models import ActivityRecord, Warning
from orglife.tests.url_cases import jpeg_bytes

FEB_6 = datetime(2026, 2, 6, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, January's grace is over


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def photo(name="meeting.jpg", content=None):
    return SimpleUploadedFile(name, content or jpeg_bytes(), content_type="image/jpeg")


def upload_form(world, orglife, **overrides):
    data = {
        "activity_types": [orglife["committee_meeting"].pk],
        "held_on": "2026-01-28",
        "place": "红旗村党群服务中心",
        "topic": "一月支委会（补开）",
        "minutes": "研究春季防火工作。",
        "device_time": "2026-02-06T09:12:00+08:00",
        f"status_{world.member_person.pk}": "present",
        f"reason_{world.member_person.pk}": "",
    }
    data.update(overrides)
    return data


def test_township_admin_sees_the_gap_and_the_branch_closes_it(world, orglife, client):
    with at(FEB_6):
        compliance.generate_due(date(2026, 2, 6))
        client.force_login(world.township_admin)
        centre = client.get(f"/orglife/?region={world.township.pk}")
        figures = centre.context["f"]
        # January has closed: 2 branches × (committee meeting + theme day), none reported.
        assert (figures.node.closed.due, figures.node.closed.reported) == (4, 0)
        # February's monthly reports and Q1's quarterly ones are still running.
        assert (figures.node.in_progress.due, figures.node.in_progress.reported) == (8, 0)
        assert "0.0%" in centre.content.decode()

        gaps = client.get(
            f"/orglife/gaps/?region={world.township.pk}&month=2026-01&status=missing"
        ).content.decode()
        assert "红旗村党支部" in gaps and "向阳村党支部" in gaps and "支部委员会" in gaps
        assert "柳树村党支部" not in gaps  # the other township

        run_sweep(FEB_6)

    warning = Warning.objects.get(
        organization=world.branch_org, activity_type=orglife["committee_meeting"]
    )
    assert Notification.objects.filter(user=world.branch, key=f"warning:{warning.pk}").exists()
    client.force_login(world.branch)
    inbox = client.get("/inbox/").content.decode()
    notice = Notification.objects.get(user=world.branch, key=f"warning:{warning.pk}")
    assert f"/inbox/{notice.pk}/" in inbox  # opening it marks it read, then goes to it
    assert client.get(f"/inbox/{notice.pk}/")["Location"] == f"/orglife/warnings/{warning.pk}/"
    inbox = client.get("/inbox/").content.decode()
    assert '消息 <span class="count">1</span>' in inbox  # two warnings, one read

    with at(FEB_6 + timedelta(minutes=20)):
        response = client.post(
            "/orglife/records/new/", {**upload_form(world, orglife), "photos": [photo()]}
        )
    rec = ActivityRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orglife/records/{rec.pk}/"
    assert rec.uploaded_by == world.branch and rec.photos.count() == 1
    assert rec.device_time == datetime(2026, 2, 6, 1, 12, tzinfo=UTC)
    detail = client.get(response["Location"]).content.decode()
    assert f"/orglife/records/{rec.pk}/photos/{rec.photos.get().pk}/?thumb=1" in detail
    assert "张红梅" in detail and "出席" in detail

    warning.refresh_from_db()
    assert warning.status == Warning.Status.RECTIFIED and warning.rectifying_record == rec

    client.force_login(world.township_admin)
    with at(FEB_6 + timedelta(hours=1)):
        figures = client.get(f"/orglife/?region={world.township.pk}").context["f"]
        assert (figures.node.closed.reported, figures.node.closed.on_time) == (1, 0)  # late
        panel = client.post(
            f"/orglife/warnings/{warning.pk}/close/", {"note": "已补开"}, HTTP_HX_REQUEST="true"
        )
    assert panel.status_code == 200
    assert 'id="warning-panel"' in panel.content.decode() and "已销号" in panel.content.decode()
    warning.refresh_from_db()
    assert warning.status == Warning.Status.CLOSED


def test_the_upload_form_offers_the_required_types_and_the_members(world, orglife, login):
    page = login(world.branch).get("/orglife/records/new/?type=theme_day&held_on=2026-03-31")
    html = page.content.decode()
    assert "支部委员会" in html and "主题党日" in html and "党小组会" not in html
    assert page.context["form"]["held_on"].value() == "2026-03-31"
    assert "张红梅" in html and 'name="device_time"' in html


def test_online_is_offered_only_for_mobile_members(world, orglife, login):
    from tests.world import add_member

    away = add_member(world.branch_org, "外出党员", is_mobile=True)
    form = login(world.branch).get("/orglife/records/new/").context["form"]
    assert "online" in dict(form.fields[f"status_{away.pk}"].choices)
    assert "online" not in dict(form.fields[f"status_{world.member_person.pk}"].choices)


def test_a_bad_photo_keeps_everything_else(world, orglife, login):
    client = login(world.branch)
    fake = photo("meeting.jpg", b"this is not a picture")
    with at(FEB_6):
        response = client.post(
            "/orglife/records/new/", {**upload_form(world, orglife), "photos": [fake]}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "不是可识别的图片" in html and "请重新选择照片" in html
    assert 'value="一月支委会（补开）"' in html and "研究春季防火工作。" in html
    assert not ActivityRecord.objects.exists()


def test_absent_needs_a_reason(world, orglife, login):
    data = upload_form(world, orglife, **{f"status_{world.member_person.pk}": "absent"})
    with at(FEB_6):
        response = login(world.branch).post("/orglife/records/new/", data)
    assert response.status_code == 200 and "缺席人员请填写缺席原因" in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_a_duplicate_is_refused_with_a_clear_message(world, orglife, login):
    client = login(world.branch)
    with at(FEB_6):
        assert client.post("/orglife/records/new/", upload_form(world, orglife)).status_code == 302
        again = client.post("/orglife/records/new/", upload_form(world, orglife, topic="再传一次"))
    assert again.status_code == 200
    assert "已上传过本组织的“支部委员会”记录，请勿重复上传" in again.content.decode()
    assert ActivityRecord.objects.count() == 1


def test_an_admin_picks_the_organization_first(world, orglife, login):
    client = login(world.township_admin)
    picker = client.get("/orglife/records/new/").content.decode()
    assert "红旗村党支部" in picker and "柳树村党支部" not in picker
    assert (
        client.get(f"/orglife/records/new/?organization={world.branch_org.pk}").status_code == 200
    )
    other = client.get(f"/orglife/records/new/?organization={world.outsider_branch_org.pk}")
    assert other.status_code == 404


def make_record(world, orglife, moment):
    with at(moment):
        return upload_record(
            world.branch,
            world.branch_org,
            RecordInput(
                activity_types=[orglife["theme_day"]],
                held_on=date(2026, 1, 10),
                topic="主题党日",
                place="村部",
            ),
        )


def test_a_correction_inside_the_window_needs_no_reason(world, orglife, login):
    rec = make_record(world, orglife, FEB_6)
    data = upload_form(
        world, orglife, activity_types=[orglife["theme_day"].pk], held_on="2026-01-10"
    )
    with at(FEB_6 + timedelta(days=1)):
        response = login(world.branch).post(f"/orglife/records/{rec.pk}/edit/", data)
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.topic == "一月支委会（补开）"


def test_a_locked_record_is_corrected_only_with_a_reason(world, orglife, login):
    rec = make_record(world, orglife, FEB_6)
    client = login(world.branch)
    data = upload_form(
        world, orglife, activity_types=[orglife["theme_day"].pk], held_on="2026-01-10"
    )
    later = FEB_6 + timedelta(days=31)  # the county's default window is 30 days
    with at(later):
        form = client.get(f"/orglife/records/{rec.pk}/edit/").content.decode()
        assert "已超过可直接更正的期限" in form
        refused = client.post(f"/orglife/records/{rec.pk}/edit/", data)
        assert refused.status_code == 200
        assert "请填写更正原因" in refused.content.decode()
        accepted = client.post(f"/orglife/records/{rec.pk}/edit/", {**data, "reason": "主题写错"})
    assert accepted.status_code == 302
    entry = AuditEntry.objects.filter(model="orglife.ActivityRecord", action="update").get()
    assert entry.changes["reason"] == ["", "主题写错"]
    detail = client.get(f"/orglife/records/{rec.pk}/").content.decode()
    assert "主题写错" in detail  # the correction is listed on the record


def test_photos_are_served_through_the_record_scope(world, orglife, login):
    with at(FEB_6):
        login(world.branch).post(
            "/orglife/records/new/", {**upload_form(world, orglife), "photos": [photo()]}
        )
    rec = ActivityRecord.objects.get()
    path = f"/orglife/records/{rec.pk}/photos/{rec.photos.get().pk}/"
    client = login(world.township_admin)
    full, thumb = client.get(path), client.get(path + "?thumb=1")
    assert full["Content-Type"] == "image/jpeg" and thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content)[:2] == b"\xff\xd8"
    assert login(world.outsider).get(path).status_code == 404
    assert (
        login(world.township_admin)
        .get(f"/orglife/records/{rec.pk}/photos/{rec.photos.get().pk + 99}/")
        .status_code
        == 404
    )


def test_a_member_sees_their_own_attendance(world, orglife, login):
    with at(FEB_6):
        login(world.branch).post("/orglife/records/new/", upload_form(world, orglife))
    page = login(world.member).get("/orglife/my-attendance/").content.decode()
    assert "一月支委会（补开）" in page and "出席" in page
    assert "/orglife/my-attendance/" in login(world.member).get("/").content.decode()
