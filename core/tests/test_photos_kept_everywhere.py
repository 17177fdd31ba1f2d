"""The service request, the activity record and the points proposal keep a refused form's
photos too (the incident report's own tests are in incidents/tests/test_reports.py)."""

import re
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image


def jpeg(name="scene.jpg"):
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def tokens(response, name="photos") -> list[str]:
    return re.findall(rf'name="{name}_kept" value="([^"]+)"', response.content.decode())


def test_the_service_request_keeps_its_photos(world, login):
    from services.models import ServiceRequest
    from services.tests.factories import make_catalogue

    make_catalogue(world.county)
    client = login(world.resident)
    refused = client.post("/services/requests/new/", {"description": "", "photos": [jpeg()]})
    kept = tokens(refused)
    assert refused.status_code == 200 and len(kept) == 1
    client.post(
        "/services/requests/new/",
        {"title": "路灯坏了", "description": "村口路灯坏了", "photos_kept": kept},
    )
    assert ServiceRequest.objects.get().photos.count() == 1


def test_the_activity_record_keeps_its_photos(world, login):
    from datetime import date

    from orglife.domain.requirements import ensure_activity_types, install_defaults
    from orglife.models import ActivityRecord
    from orglife.tests.test_pages import upload_form

    install_defaults(None, world.county, since=date(2026, 1, 1))
    orglife = ensure_activity_types()
    client = login(world.branch)
    data = upload_form(world, orglife)
    refused = client.post("/orglife/records/new/", {**data, "topic": "", "photos": [jpeg()]})
    kept = tokens(refused)
    assert refused.status_code == 200 and len(kept) == 1
    client.post("/orglife/records/new/", {**data, "photos_kept": kept})
    assert ActivityRecord.objects.get().photos.count() == 1


def test_the_points_proposal_keeps_its_photo(world, login):
    from points.models import PointProposal
    from points.tests.url_cases import installed

    book, _ = installed(world)
    rule = book.rules.get(code="J02")
    data = {
        "households": [world.household.pk],
        "rule": rule.pk,
        "occurred_on": timezone.localdate().isoformat(),
        "times": 1,
    }
    client = login(world.grid_worker)
    refused = client.post("/points/propose/", {**data, "times": "", "photo": jpeg()})
    kept = tokens(refused, "photo")
    assert refused.status_code == 200 and len(kept) == 1
    client.post("/points/propose/", {**data, "photo_kept": kept})
    proposal = PointProposal.objects.get()
    assert proposal.photo
