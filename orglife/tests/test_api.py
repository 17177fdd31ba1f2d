"""Organizational life over the JSON API, signed in with bearer tokens as a phone would be:
records (upload with photos, idempotent retries, duplicates), compliance, due reports and
warnings, for the persona who may and for the outsider."""

import copy
import json
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import ExifTags, Image

from accounts.models import ApiToken
from orglife.domain import compliance, warnings
from orglife.domain.records import RecordInput, upload_record
from orglife.models import ActivityRecord, DueReport, RecordPhoto, Warning

NOT_FOUND = {"detail": "未找到该记录，或您无权访问。", "code": "not_found"}
GPS = ExifTags.IFD.GPSInfo


class Api:
    """The test client speaking as one user with a bearer token."""

    def __init__(self, client, user) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, headers=self.headers)

    def post(self, url, data=None, **kwargs):
        return self.client.post(url, data or {}, headers=self.headers, **kwargs)

    def post_json(self, url, body):
        return self.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# The tests run on a fixed day (the clock is frozen below), so their figures hold whatever
# the day they run on.
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


# A day of last month: its period is over (the orglife fixture requires from January 2026).
LAST_MONTH = TODAY.replace(day=1) - timedelta(days=20)


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (80, 60), "red")
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Phone X"
    exif[GPS] = {1: "N", 2: (43.0, 30.0, 0.0), 3: "E", 4: (121.0, 10.0, 0.0)}
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def photo(name="meeting.jpg", data=None):
    return SimpleUploadedFile(name, data or jpeg_with_gps(), content_type="image/jpeg")


def form(world, **changes):
    values = {
        "organization": world.branch_org.pk,
        "types": ["committee_meeting", "theme_day"],
        "held_on": TODAY.isoformat(),
        "topic": "学习党的二十届四中全会精神",
        "place": "村党员活动室",
        "minutes": "书记领学，党员交流发言。",
        "attendance": json.dumps(
            [{"member": world.member_person.pk, "status": "present", "reason": ""}]
        ),
        "device_time": "2026-03-10T09:30:00+08:00",
    }
    values.update(changes)
    return values


def make_record(world, types, held_on=None, topic="组织生活", member=False):
    data = RecordInput(
        activity_types=types,
        held_on=held_on or TODAY,
        topic=topic,
        place="村党员活动室",
        attendance={world.member_person.pk: ("present", "")} if member else {},
    )
    return upload_record(world.branch, world.branch_org, data)


def overdue_warning(world):
    compliance.generate_due(TODAY)
    warnings.sweep(timezone.now())
    return Warning.objects.filter(organization=world.branch_org).order_by("period_start").first()


# ---------------------------------------------------------------------------------------------
# Upload


def test_branch_uploads_a_record_with_a_photo_stripped_of_its_location(world, orglife, api):
    assert Image.open(BytesIO(jpeg_with_gps())).getexif().get_ifd(GPS)  # the input has GPS
    compliance.generate_due(TODAY)

    response = api(world.branch).post("/api/orglife/records/", {**form(world), "photos": [photo()]})

    assert response.status_code == 201, response.content
    body = response.json()
    assert [t["code"] for t in body["types"]] == ["committee_meeting", "theme_day"]
    assert body["organization"] == {"id": world.branch_org.pk, "name": "红旗村党支部"}
    assert body["attendance"] == [
        {
            "member_id": world.member_person.pk,
            "name": "张红梅",
            "status": "present",
            "status_label": "出席",
            "reason": "",
        }
    ]
    assert body["uploaded_by"]["id"] == world.branch.pk
    assert datetime.fromisoformat(body["device_time"]) == datetime(2026, 3, 10, 1, 30, tzinfo=UTC)
    assert body["received_at"] is not None
    stored = RecordPhoto.objects.get(record_id=body["id"])
    with Image.open(stored.image.path) as saved:
        assert saved.format == "JPEG"
        assert not saved.getexif().get_ifd(GPS)
        assert GPS not in saved.getexif()
        assert "exif" not in saved.info
    [shown] = body["photos"]
    assert (shown["width"], shown["height"]) == (80, 60)
    image = api(world.branch).get(shown["url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    thumb = api(world.township_admin).get(shown["thumbnail_url"])
    assert thumb.status_code == 200
    assert b"".join(thumb.streaming_content).startswith(b"\xff\xd8")
    # The upload counted at once: this period's committee meeting is reported on time.
    due = DueReport.objects.get(
        organization=world.branch_org,
        activity_type=orglife["committee_meeting"],
        period_start=TODAY.replace(day=1),
    )
    assert due.record_id == body["id"] and due.on_time


def test_a_text_file_named_jpg_is_refused_and_nothing_saved(world, orglife, api):
    fake = SimpleUploadedFile("meeting.jpg", b"just some text, not a photo", "image/jpeg")

    response = api(world.branch).post("/api/orglife/records/", {**form(world), "photos": [fake]})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "请求参数有误",
        "code": "invalid",
        "errors": [
            {"field": "photos", "message": "“meeting.jpg”不是可识别的图片（支持 JPG、PNG、WebP）。"}
        ],
    }
    assert not ActivityRecord.objects.exists()


def test_a_retry_with_the_same_idempotency_key_returns_the_first_record(world, orglife, api):
    client = api(world.branch)
    values = {**form(world), "idempotency_key": "phone-7f3a-0001"}

    first = client.post("/api/orglife/records/", values)
    again = client.post("/api/orglife/records/", values)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert ActivityRecord.objects.count() == 1
    # Another key is another upload: refused as a duplicate of the same type and day.
    other = client.post("/api/orglife/records/", {**values, "idempotency_key": "phone-7f3a-2"})
    assert other.status_code == 422


def test_the_same_key_from_another_account_is_another_upload(world, orglife, api):
    values = {**form(world, types=["theme_day"]), "idempotency_key": "k-1"}
    api(world.branch).post("/api/orglife/records/", values)

    response = api(world.township_admin).post(
        "/api/orglife/records/", {**values, "types": ["committee_meeting"]}
    )

    assert response.status_code == 201
    assert ActivityRecord.objects.count() == 2


def test_a_duplicate_of_type_and_day_is_refused_in_chinese(world, orglife, api):
    client = api(world.branch)
    assert client.post("/api/orglife/records/", form(world)).status_code == 201

    response = client.post("/api/orglife/records/", form(world, types=["theme_day"]))

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "held_on",
            "message": f"{TODAY} 已上传过本组织的“主题党日”记录，"
            "请勿重复上传；如需修改请更正原记录。",
        }
    ]
    assert ActivityRecord.objects.count() == 1


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"types": ["tea_party"]}, "types", "未知的活动类型：tea_party。"),
        ({"topic": "  "}, "topic", "请填写活动主题。"),
        ({"place": "", "online": "false"}, "place", "请填写活动地点，或选择线上开展。"),
        ({"attendance": "not json"}, "attendance", None),
        (
            {"attendance": json.dumps([{"member": 1, "status": "late"}])},
            "attendance",
            "出席情况只能是 present、online 或 absent。",
        ),
        ({"held_on": (TODAY + timedelta(days=1)).isoformat()}, "held_on", "活动日期不能晚于今天。"),
    ],
)
def test_bad_fields_get_per_field_errors(world, orglife, api, changes, field, message):
    response = api(world.branch).post("/api/orglife/records/", form(world, **changes))

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == field
    if message:
        assert error["message"] == message


def test_absent_member_needs_a_reason_and_outsiders_members_are_refused(world, orglife, api):
    client = api(world.branch)
    absent = json.dumps([{"member": world.member_person.pk, "status": "absent"}])
    stranger = json.dumps([{"member": world.outsider_member.pk, "status": "present"}])

    no_reason = client.post("/api/orglife/records/", form(world, attendance=absent))
    not_ours = client.post("/api/orglife/records/", form(world, attendance=stranger))

    assert no_reason.json()["errors"] == [
        {"field": "attendance", "message": "缺席人员请填写缺席原因。"}
    ]
    assert not_ours.json()["errors"] == [
        {"field": "attendance", "message": "参会人员必须是本组织的党员。"}
    ]


def test_outsider_and_member_cannot_upload_for_our_branch(world, orglife, api):
    for user in (world.outsider, world.member, world.grid_worker):
        response = api(user).post("/api/orglife/records/", form(world))
        assert response.status_code == 404, user
        assert response.json() == NOT_FOUND
    assert not ActivityRecord.objects.exists()


def test_anonymous_upload_gets_401(world, orglife, client):
    response = client.post("/api/orglife/records/", form(world))

    assert response.status_code == 401
    assert not ActivityRecord.objects.exists()


# ---------------------------------------------------------------------------------------------
# Reading records


def test_records_listed_and_filtered_within_scope(world, orglife, api):
    ours = make_record(world, [orglife["theme_day"]], member=True)
    older = make_record(world, [orglife["party_lecture"]], held_on=LAST_MONTH, topic="专题党课")
    upload_record(
        world.outsider,
        world.outsider_branch_org,
        RecordInput(activity_types=[orglife["theme_day"]], held_on=TODAY, topic="x", online=True),
    )
    client = api(world.township_admin)

    def ids(params):
        response = client.get("/api/orglife/records/", params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["items"]]

    assert ids({}) == [ours.pk, older.pk]
    assert ids({"organization": world.branch_org.pk, "type": "party_lecture"}) == [older.pk]
    assert ids({"region": world.village.pk, "since": TODAY.isoformat()}) == [ours.pk]
    assert ids({"until": LAST_MONTH.isoformat()}) == [older.pk]
    assert ids({"region": world.neighbour_village.pk}) == []


def test_outsider_gets_404_for_our_records_and_nodes(world, orglife, api):
    rec = make_record(world, [orglife["theme_day"]])
    client = api(world.outsider)

    for url in (
        f"/api/orglife/records/{rec.pk}",
        f"/api/orglife/records/?organization={world.branch_org.pk}",
        f"/api/orglife/records/?region={world.township.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == NOT_FOUND
    assert client.get("/api/orglife/records/").json() == {"items": [], "count": 0}


def test_member_reads_a_meeting_they_attended_with_only_their_attendance(world, orglife, api):
    from tests.world import add_member

    colleague = add_member(world.branch_org, "李卫东")
    rec = upload_record(
        world.branch,
        world.branch_org,
        RecordInput(
            activity_types=[orglife["theme_day"]],
            held_on=TODAY,
            topic="主题党日",
            place="活动室",
            attendance={
                world.member_person.pk: ("present", ""),
                colleague.pk: ("absent", "外出务工"),
            },
        ),
    )
    not_listed = make_record(world, [orglife["party_lecture"]])

    mine = api(world.member).get(f"/api/orglife/records/{rec.pk}").json()
    branch_view = api(world.branch).get(f"/api/orglife/records/{rec.pk}").json()

    assert [a["name"] for a in mine["attendance"]] == ["张红梅"]
    assert sorted(a["name"] for a in branch_view["attendance"]) == ["张红梅", "李卫东"]
    assert api(world.member).get(f"/api/orglife/records/{not_listed.pk}").status_code == 404


def test_photo_of_another_record_is_404(world, orglife, api):
    client = api(world.branch)
    first = client.post("/api/orglife/records/", {**form(world), "photos": [photo()]}).json()
    second = make_record(world, [orglife["party_lecture"]])

    wrong = client.get(f"/api/orglife/records/{second.pk}/photos/{first['photos'][0]['id']}")
    outsider = api(world.outsider).get(first["photos"][0]["url"])

    assert wrong.status_code == 404
    assert outsider.status_code == 404
    assert outsider.json() == NOT_FOUND


# ---------------------------------------------------------------------------------------------
# Compliance and the due reports behind it


def expected_due(month: int, *, closed: bool) -> int:
    """What the two branches of 东风镇 owe in 2026 by the month ``month`` (the current one):
    monthly committee meeting and theme day, quarterly assembly and lecture."""
    if closed:
        return 2 * (2 * (month - 1) + 2 * ((month - 1) // 3))
    return 2 * (2 + 2)  # this month's two monthly reports; the running quarter's two


def test_compliance_for_a_township_matches_the_domain_rollup(world, orglife, api):
    compliance.generate_due(TODAY)
    make_record(world, [orglife["committee_meeting"]], held_on=LAST_MONTH)  # late
    make_record(world, [orglife["theme_day"]])  # this month: on time

    response = api(world.township_admin).get(
        "/api/orglife/compliance/", {"region": world.township.pk, "year": 2026}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    node = body["node"]
    assert node["region"] == {"id": world.township.pk, "name": "东风镇"}
    assert node["due"] == expected_due(TODAY.month, closed=True)
    assert (node["reported"], node["on_time"]) == (1, 0)
    assert node["completeness"] == pytest.approx(1 / node["due"])
    assert node["timeliness"] == 0
    assert node["in_progress"]["due"] == expected_due(TODAY.month, closed=False)
    assert (node["in_progress"]["reported"], node["in_progress"]["on_time"]) == (1, 1)
    assert body["closed_through"] == LAST_MONTH.strftime("%Y-%m")
    # Exactly what the domain says, node and children, total and per month.
    this_month = TODAY.replace(day=1)
    closed, closed_children = compliance.rollup(
        world.township, date(2026, 1, 1), LAST_MONTH.replace(day=1)
    )
    running, running_children = compliance.rollup(world.township, this_month, date(2026, 12, 1))
    pairs = [(node, closed, running)] + [
        (out, c, r)
        for out, c, r in zip(body["children"], closed_children, running_children, strict=True)
    ]
    for out, c, r in pairs:
        assert out["region"]["id"] == c.region.pk
        assert (out["due"], out["reported"], out["on_time"]) == (
            c.total.due,
            c.total.reported,
            c.total.on_time,
        )
        assert out["completeness"] == c.total.completeness
        assert out["in_progress"]["due"] == r.total.due
        months = {m["month"]: m for m in out["months"]}
        for month, figures in [*c.by_month.items(), *r.by_month.items()]:
            shown = months[month.strftime("%Y-%m")]
            assert (shown["due"], shown["reported"], shown["on_time"]) == (
                figures.due,
                figures.reported,
                figures.on_time,
            )
            assert shown["in_progress"] == (month >= this_month)
    village = next(c for c in body["children"] if c["region"]["name"] == "红旗村")
    assert village["reported"] == 1
    neighbour = next(c for c in body["children"] if c["region"]["name"] == "向阳村")
    assert (neighbour["reported"], neighbour["completeness"]) == (0, 0)


def test_a_past_year_has_no_period_in_progress_and_nothing_due_gives_null(world, orglife, api):
    response = api(world.county_admin).get(
        "/api/orglife/compliance/", {"region": world.county.pk, "year": 2024}
    )

    body = response.json()
    assert body["node"]["due"] == 0
    assert body["node"]["completeness"] is None and body["node"]["timeliness"] is None
    assert body["node"]["in_progress"] is None
    assert [c["region"]["name"] for c in body["children"]] == ["东风镇", "西河镇"]


def test_compliance_is_for_those_who_may_see_counts(world, orglife, api):
    url = "/api/orglife/compliance/"
    assert api(world.branch).get(url, {"region": world.village.pk}).status_code == 200
    for user, region in [
        (world.outsider, world.township),
        (world.resident, world.village),  # sees the village, not its figures
        (world.grid_worker, world.village),
        (world.township_admin, world.county),
    ]:
        response = api(user).get(url, {"region": region.pk})
        assert response.status_code == 404, (user, region)
        assert response.json() == NOT_FOUND


def test_due_reports_show_the_gaps_behind_a_number(world, orglife, api):
    compliance.generate_due(TODAY)
    late = make_record(world, [orglife["committee_meeting"]], held_on=LAST_MONTH)
    month = LAST_MONTH.strftime("%Y-%m")
    client = api(world.township_admin)

    missing = client.get(
        "/api/orglife/due/", {"region": world.township.pk, "month": month, "status": "missing"}
    ).json()
    reported = client.get("/api/orglife/due/", {"month": month, "status": "late"}).json()

    assert reported["count"] == 1
    [row] = reported["items"]
    assert (row["record_id"], row["status"], row["status_label"]) == (late.pk, "late", "逾期补报")
    assert row["organization"]["name"] == "红旗村党支部"
    assert row["activity_type"] == {"code": "committee_meeting", "name": "支部委员会"}
    assert row["month"] == month
    figures, _ = compliance.rollup(world.township, LAST_MONTH.replace(day=1), LAST_MONTH)
    assert missing["count"] == figures.total.due - figures.total.reported
    assert all(r["status"] == "missing" and r["overdue"] for r in missing["items"])
    assert {r["organization"]["name"] for r in missing["items"]} == {"红旗村党支部", "向阳村党支部"}


def test_due_reports_scoped_and_bad_month_refused(world, orglife, api):
    compliance.generate_due(TODAY)
    branch = api(world.branch).get("/api/orglife/due/").json()
    assert {r["organization"]["name"] for r in branch["items"]} == {"红旗村党支部"}

    outsider = api(world.outsider)
    assert outsider.get("/api/orglife/due/", {"region": world.village.pk}).status_code == 404
    assert outsider.get("/api/orglife/due/", {"organization": world.branch_org.pk}).json() == (
        NOT_FOUND
    )
    response = api(world.branch).get("/api/orglife/due/", {"month": "2026-13"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "month", "message": "请按 YYYY-MM 填写月份。"}]


# ---------------------------------------------------------------------------------------------
# Warnings


def test_warnings_listed_with_the_actions_each_persona_may_take(world, orglife, api):
    warning = overdue_warning(world)

    ours = api(world.branch).get("/api/orglife/warnings/", {"status": "open"}).json()
    township = api(world.township_admin).get("/api/orglife/warnings/", {"region": world.village.pk})
    outsider = api(world.outsider).get("/api/orglife/warnings/").json()

    assert ours["count"] == Warning.objects.filter(organization=world.branch_org).count() > 0
    row = next(r for r in ours["items"] if r["id"] == warning.pk)
    assert row["actions"] == ["acknowledge", "rectify"]
    assert (row["status"], row["status_label"]) == ("open", "待处理")
    assert row["organization"]["name"] == "红旗村党支部"
    assert township.json()["count"] == ours["count"]
    assert all(r["actions"] == [] for r in township.json()["items"])  # nothing to close yet
    assert {r["organization"]["name"] for r in outsider["items"]} == {"柳树村党支部"}
    assert api(world.outsider).get(f"/api/orglife/warnings/{warning.pk}").json() == NOT_FOUND


def test_warning_goes_from_open_to_closed_with_403_and_409_on_the_way(world, orglife, api):
    warning = overdue_warning(world)
    url = f"/api/orglife/warnings/{warning.pk}"
    branch, township = api(world.branch), api(world.township_admin)

    # A superior may not acknowledge for the branch; the branch may not close its own.
    refused = township.post_json(f"{url}/acknowledge", {})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert branch.post_json(f"{url}/close", {}).status_code == 403

    acknowledged = branch.post_json(f"{url}/acknowledge", {"note": "已知悉，马上补开"})
    assert acknowledged.status_code == 200
    assert acknowledged.json()["status"] == "acknowledged"
    assert acknowledged.json()["actions"] == ["rectify"]
    again = branch.post_json(f"{url}/acknowledge", {})
    assert again.status_code == 409
    assert again.json() == {"detail": "预警状态已变化，请刷新", "code": "conflict"}

    png = BytesIO()
    Image.new("RGB", (20, 20), "white").save(png, "PNG")
    no_text = branch.post(f"{url}/rectify", {"explanation": " "})
    assert no_text.json()["errors"] == [{"field": "explanation", "message": "请填写整改说明。"}]
    rectified = branch.post(
        f"{url}/rectify",
        {
            "explanation": "已于本月补开会议",
            "evidence": SimpleUploadedFile("scan.png", png.getvalue()),
        },
    )
    assert rectified.status_code == 200, rectified.content
    assert rectified.json()["status"] == "rectified"
    evidence = township.get(rectified.json()["evidence_url"])
    assert evidence.status_code == 200 and evidence["Content-Type"] == "image/jpeg"
    assert api(world.outsider).get(rectified.json()["evidence_url"]).status_code == 404

    no_reason = township.post_json(f"{url}/reopen", {"note": ""})
    assert no_reason.json()["errors"] == [{"field": "note", "message": "请说明退回原因。"}]
    reopened = township.post_json(f"{url}/reopen", {"note": "请补充会议记录"})
    assert reopened.json()["status"] == "acknowledged"
    assert branch.post(f"{url}/rectify", {"explanation": "已补充会议记录"}).status_code == 200
    closed = township.post_json(f"{url}/close", {"note": "整改到位"})
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert township.post_json(f"{url}/close", {}).status_code == 409

    history = branch.get(url).json()["history"]
    assert [(e["from_status"], e["to_status"]) for e in history] == [
        ("", "open"),
        ("open", "acknowledged"),
        ("acknowledged", "rectified"),
        ("rectified", "acknowledged"),
        ("acknowledged", "rectified"),
        ("rectified", "closed"),
    ]
    assert history[-1]["actor"] == "bob" and history[-1]["note"] == "整改到位"
    assert history[-1]["to_status_label"] == "已销号"


def test_outsider_gets_404_for_every_move(world, orglife, api):
    warning = overdue_warning(world)
    client = api(world.outsider)
    for action in ("acknowledge", "rectify", "close", "reopen"):
        response = client.post_json(
            f"/api/orglife/warnings/{warning.pk}/{action}", {"note": "x", "explanation": "x"}
        )
        assert response.status_code == 404, action
    warning.refresh_from_db()
    assert warning.status == "open"


def test_a_late_record_uploaded_over_the_api_rectifies_the_warning(world, orglife, api):
    warning = overdue_warning(world)
    held_on = warning.period_start
    code = warning.activity_type.code

    response = api(world.branch).post(
        "/api/orglife/records/", form(world, types=[code], held_on=held_on.isoformat())
    )

    assert response.status_code == 201, response.content
    shown = api(world.township_admin).get(f"/api/orglife/warnings/{warning.pk}").json()
    assert shown["status"] == "rectified"
    assert shown["rectifying_record_id"] == response.json()["id"]
    assert shown["actions"] == ["close", "reopen"]


# ---------------------------------------------------------------------------------------------
# Query counts: a page costs the same number of queries whatever its length


def add_records(world, orglife, count: int) -> None:
    for days in range(count):
        rec = make_record(world, [orglife["party_lecture"]], held_on=TODAY - timedelta(days=days))
        RecordPhoto.objects.create(record=rec, image="x.jpg", thumbnail="t.jpg", width=1, height=1)


@pytest.mark.parametrize("resource", ["records", "warnings", "due"])
def test_list_queries_do_not_grow_with_rows(
    world, orglife, api, django_assert_max_num_queries, resource
):
    add_records(world, orglife, 4)
    overdue_warning(world)
    client = api(world.county_admin)
    url = f"/api/orglife/{resource}/"
    with CaptureQueriesContext(connection) as one_row:
        assert len(client.get(url, {"limit": 1}).json()["items"]) == 1

    with django_assert_max_num_queries(len(one_row)):
        assert len(client.get(url).json()["items"]) >= 4


# ---------------------------------------------------------------------------------------------
# The OpenAPI document, and real responses checked against it


def strict(document: dict) -> dict:
    components = copy.deepcopy(document["components"])
    for schema in components["schemas"].values():
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
    return components


def check(document: dict, path: str, response, method: str = "get") -> None:
    jsonschema = pytest.importorskip("jsonschema")
    described = document["paths"][path][method]["responses"][str(response.status_code)]
    schema = described["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": strict(document)})
    validator.validate(response.json())


def test_responses_conform_to_the_openapi_document(world, orglife, api, client):
    document = client.get("/api/openapi.json").json()
    paths = {p for p in document["paths"] if p.startswith("/api/orglife/")}
    assert paths == {
        "/api/orglife/records/",
        "/api/orglife/records/{id}",
        "/api/orglife/records/{id}/photos/{photo_id}",
        "/api/orglife/compliance/",
        "/api/orglife/due/",
        "/api/orglife/warnings/",
        "/api/orglife/warnings/{id}",
        "/api/orglife/warnings/{id}/evidence",
        "/api/orglife/warnings/{id}/acknowledge",
        "/api/orglife/warnings/{id}/rectify",
        "/api/orglife/warnings/{id}/close",
        "/api/orglife/warnings/{id}/reopen",
    }
    upload = document["paths"]["/api/orglife/records/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    branch, township = api(world.branch), api(world.township_admin)

    created = branch.post("/api/orglife/records/", {**form(world), "photos": [photo()]})
    check(document, "/api/orglife/records/", created, "post")
    refused = branch.post("/api/orglife/records/", form(world))
    check(document, "/api/orglife/records/", refused, "post")
    check(document, "/api/orglife/records/", township.get("/api/orglife/records/"))
    detail = township.get(f"/api/orglife/records/{created.json()['id']}")
    check(document, "/api/orglife/records/{id}", detail)
    check(document, "/api/orglife/records/{id}", township.get("/api/orglife/records/0"))
    compliance.generate_due(TODAY)
    figures = township.get("/api/orglife/compliance/", {"region": world.township.pk})
    check(document, "/api/orglife/compliance/", figures)
    check(document, "/api/orglife/due/", township.get("/api/orglife/due/"))
    warning = overdue_warning(world)
    check(document, "/api/orglife/warnings/", township.get("/api/orglife/warnings/"))
    url = f"/api/orglife/warnings/{warning.pk}"
    check(document, "/api/orglife/warnings/{id}", township.get(url))
    moved = branch.post_json(f"{url}/acknowledge", {})
    check(document, "/api/orglife/warnings/{id}/acknowledge", moved, "post")
    conflict = branch.post_json(f"{url}/acknowledge", {})
    check(document, "/api/orglife/warnings/{id}/acknowledge", conflict, "post")
    forbidden = township.post_json(f"{url}/acknowledge", {})
    check(document, "/api/orglife/warnings/{id}/acknowledge", forbidden, "post")
    invalid = township.post_json(f"{url}/reopen", {})
    assert invalid.status_code == 422
    check(document, "/api/orglife/warnings/{id}/reopen", invalid, "post")
    bad_status = township.get("/api/orglife/warnings/", {"status": "lost"})
    check(document, "/api/orglife/warnings/", bad_status)
