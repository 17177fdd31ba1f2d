"""Scoping cases for the organizational-life API (``tests/test_url_scoping.py``): the test
county's branch 红旗村党支部 gets a record with a photo and a warning, reached by its own
personas and refused, with 404, to the other township's admin."""

from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.url_case import Case, url

PHOTO_ROUTE = "api/orglife/records/<id>/photos/<photo_id>"


def _install(world):
    """The default requirements since last January, so that some reports are overdue."""
    from orglife.domain.requirements import ensure_activity_types, install_defaults

    install_defaults(None, world.county, since=date(timezone.localdate().year - 1, 1, 1))
    return ensure_activity_types()


def _record(world, *, photo: bool = False):
    from core.photos import clean_photo
    from orglife.domain.records import RecordInput, upload_record

    types = _install(world)
    photos = []
    if photo:
        out = BytesIO()
        Image.new("RGB", (32, 24), "red").save(out, "JPEG")
        photos = [clean_photo(SimpleUploadedFile("p.jpg", out.getvalue()))]
    data = RecordInput(
        activity_types=[types["committee_meeting"]],
        held_on=timezone.localdate() - timedelta(days=1),
        topic="学习党的二十届四中全会精神",
        place="村党员活动室",
        attendance={world.member_person.pk: ("present", "")},
    )
    return upload_record(world.branch, world.branch_org, data, photos)


def _warning(world, *moves: str):
    """A warning of the branch, moved through ``moves`` by its rightful actors."""
    from orglife.domain import warnings
    from orglife.domain.compliance import generate_due
    from orglife.models import Warning

    _install(world)
    generate_due(timezone.localdate())
    warnings.sweep(timezone.now())
    warning = Warning.objects.filter(organization=world.branch_org).first()
    for move in moves:
        if move == "rectify":
            warnings.rectify(world.branch, warning, "已补开会议")
        else:
            getattr(warnings, move)(world.branch, warning)
    return warning


def record_url(world) -> str:
    return f"/api/orglife/records/{_record(world).pk}"


def photo_url(world) -> str:
    rec = _record(world, photo=True)
    return f"/api/orglife/records/{rec.pk}/photos/{rec.photos.get().pk}?thumb=true"


def warning_url(*moves: str, suffix: str = ""):
    return lambda world: f"/api/orglife/warnings/{_warning(world, *moves).pk}{suffix}"


def evidence_url(world) -> str:
    from orglife.domain import warnings

    warning = _warning(world)
    out = BytesIO()
    Image.new("RGB", (16, 16), "blue").save(out, "PNG")
    warnings.rectify(
        world.branch, warning, "已补开", SimpleUploadedFile("scan.png", out.getvalue())
    )
    return f"/api/orglife/warnings/{warning.pk}/evidence"


def compliance_url(world) -> str:
    _install(world)
    return f"/api/orglife/compliance/?region={world.township.pk}"


CASES = [
    Case(
        "api/orglife/records/",
        url("/api/orglife/records/?organization={}", "branch_org"),
        "branch",
        "outsider",
    ),
    Case("api/orglife/records/<id>", record_url, "member", "outsider"),
    Case(PHOTO_ROUTE, photo_url, "township_admin", "outsider"),
    Case("api/orglife/compliance/", compliance_url, "township_admin", "outsider"),
    Case("api/orglife/due/", url("/api/orglife/due/?region={}", "village"), "branch", "outsider"),
    Case(
        "api/orglife/warnings/",
        url("/api/orglife/warnings/?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case("api/orglife/warnings/<id>", warning_url(), "branch", "outsider"),
    Case("api/orglife/warnings/<id>/evidence", evidence_url, "township_admin", "outsider"),
    Case(
        "api/orglife/warnings/<id>/acknowledge",
        warning_url(suffix="/acknowledge"),
        "branch",
        "outsider",
        method="post",
    ),
    Case(
        "api/orglife/warnings/<id>/rectify",
        warning_url(suffix="/rectify"),
        "branch",
        "outsider",
        method="post",
        data={"explanation": "会议已补开，记录已补传"},
    ),
    Case(
        "api/orglife/warnings/<id>/close",
        warning_url("rectify", suffix="/close"),
        "township_admin",
        "outsider",
        method="post",
    ),
    Case(
        "api/orglife/warnings/<id>/reopen",
        warning_url("rectify", suffix="/reopen"),
        "township_admin",
        "outsider",
        method="post",
        data={"note": "说明不充分，请补充会议记录"},
    ),
]
