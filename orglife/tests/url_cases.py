"""Scoping cases for the organizational-life pages (``tests/test_url_scoping.py``). The
outsider is the admin of the other township, or — for pages that only admins and branch
accounts use at all — a resident."""

from datetime import UTC, date, datetime
from io import BytesIO

from PIL import Image

from tests.url_case import Case, url

AFTER_JANUARY = datetime(2026, 2, 6, 1, 0, tzinfo=UTC)


def setup(world):
    """The county's default requirements, January's due reports and their warnings."""
    from orglife.domain import compliance, warnings
    from orglife.domain.requirements import install_defaults

    install_defaults(None, world.county, since=date(2026, 1, 1))
    compliance.generate_due(date(2026, 2, 6))
    warnings.sweep(AFTER_JANUARY)


def jpeg_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def a_record(world):
    """A record of the branch with one photo."""
    from core.photos import clean_photo
    from orglife.domain.records import RecordInput, upload_record
    from orglife.domain.requirements import ensure_activity_types

    setup(world)
    types = ensure_activity_types()
    photo = BytesIO(jpeg_bytes())
    photo.name = "meeting.jpg"
    return upload_record(
        world.branch,
        world.branch_org,
        RecordInput(
            activity_types=[types["committee_meeting"]],
            held_on=date(2026, 3, 2),
            topic="支委会",
            place="村部",
            attendance={world.member_person.pk: ("present", "")},
        ),
        photos=[clean_photo(photo, "meeting.jpg")],
    )


def a_warning(world):
    from orglife.models import Warning

    setup(world)
    return Warning.objects.filter(organization=world.branch_org).order_by("pk").first()


def record_url(suffix=""):
    return lambda w: f"/orglife/records/{a_record(w).pk}/{suffix}"


def photo_url(world):
    rec = a_record(world)
    return f"/orglife/records/{rec.pk}/photos/{rec.photos.first().pk}/?thumb=1"


def warning_url(suffix=""):
    return lambda w: f"/orglife/warnings/{a_warning(w).pk}/{suffix}"


def evidence_url(world):
    from django.core.files.base import ContentFile

    from orglife.domain import warnings

    warning = a_warning(world)
    warnings.rectify(world.branch, warning, "已补开", ContentFile(b"%PDF-1.4\n", name="e.pdf"))
    return f"/orglife/warnings/{warning.pk}/evidence/"


def requirement_url(world):
    from orglife.models import Requirement

    setup(world)
    return f"/orglife/requirements/{Requirement.objects.order_by('pk').first().pk}/"


def with_setup(template: str, attr: str | None = None):
    base = url(template, attr)

    def build(world):
        setup(world)
        return base(world)

    return build


CASES = [
    Case("orglife/", url("/orglife/?region={}", "township"), "township_admin", "outsider"),
    Case(
        "orglife/export/<str:table>.xlsx",
        url("/orglife/export/children.xlsx?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case(
        "orglife/gaps/",
        with_setup("/orglife/gaps/?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case(
        "orglife/gaps/export.xlsx",
        with_setup("/orglife/gaps/export.xlsx?region={}", "village"),
        "branch",
        "outsider",
    ),
    Case("orglife/warnings/", with_setup("/orglife/warnings/"), "branch", "resident"),
    Case(
        "orglife/warnings/export.xlsx",
        with_setup("/orglife/warnings/export.xlsx?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case(
        "orglife/warnings/repeated/",
        url("/orglife/warnings/repeated/?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case("orglife/warnings/<int:pk>/", warning_url(), "branch", "outsider"),
    Case("orglife/warnings/<int:pk>/evidence/", evidence_url, "township_admin", "outsider"),
    Case(
        "orglife/warnings/<int:pk>/<str:action>/",
        warning_url("acknowledge/"),
        "branch",
        "outsider",
        method="post",
    ),
    Case("orglife/records/", url("/orglife/records/"), "branch", "resident"),
    Case("orglife/records/new/", url("/orglife/records/new/"), "branch", "resident"),
    Case("orglife/records/<int:pk>/", record_url(), "member", "outsider"),
    Case("orglife/records/<int:pk>/edit/", record_url("edit/"), "branch", "outsider"),
    Case(
        "orglife/records/<int:pk>/photos/<int:photo_id>/", photo_url, "township_admin", "outsider"
    ),
    Case("orglife/calendar/", with_setup("/orglife/calendar/"), "branch", "resident"),
    Case("orglife/requirements/", with_setup("/orglife/requirements/"), "county_admin", "resident"),
    Case(
        "orglife/requirements/<int:pk>/",
        requirement_url,
        "county_admin",
        "township_admin",  # reads the county's requirements, may not change them
        method="post",
        data={},
    ),
    Case(
        "orglife/requirements/install/",
        url("/orglife/requirements/install/?region={}", "county"),
        "county_admin",
        "township_admin",
        method="post",
    ),
    Case(
        "orglife/requirements/settings/",
        url("/orglife/requirements/settings/?region={}", "county"),
        "county_admin",
        "township_admin",
        method="post",
    ),
    Case(
        "orglife/requirements/exemptions/",
        url("/orglife/requirements/exemptions/?region={}", "county"),
        "county_admin",
        "township_admin",
        method="post",
    ),
    Case("orglife/my-attendance/", url("/orglife/my-attendance/"), "member", "branch"),
]
