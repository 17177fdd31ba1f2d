"""Test helpers: the county's default types and an incident reported in the test world's
grid 红旗村第一网格 by its grid worker."""

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image


def install(world):
    from incidents.domain.catalogue import install_defaults
    from incidents.models import IncidentType

    install_defaults(None, world.county)
    return {t.code: t for t in IncidentType.objects.filter(region=world.county)}


def jpeg(name="scene.jpg", size=(64, 48)):
    out = BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def reported(world, code="safety_hazard", *, photo=False, grid=None, reporter=None, **fields):
    """An incident of type ``code`` reported by the grid worker (with a photo if asked)."""
    from core.photos import clean_photo
    from incidents.domain.reports import ReportInput, report_incident

    types = install(world)
    data = ReportInput(
        type=types[code],
        grid=grid or world.grid,
        description=fields.pop("description", "村东桥头护栏松动，存在坠落风险"),
        occurred_at=timezone.now() - timedelta(hours=1),
        **fields,
    )
    photos = [clean_photo(jpeg())] if photo else []
    incident, _ = report_incident(reporter or world.grid_worker, data, photos)
    return incident


def assigned(world, **kwargs):
    from incidents.domain import moves

    incident = reported(world, **kwargs)
    moves.assign(world.township_admin, incident, moves.Assignee(user=world.grid_worker))
    incident.refresh_from_db()
    return incident


def resolved(world, **kwargs):
    from incidents.domain import moves

    incident = assigned(world, **kwargs)
    moves.resolve(world.grid_worker, incident, "已加固护栏", 3, 1)
    incident.refresh_from_db()
    return incident


def an_emergency(world):
    from incidents.domain.emergencies import open_emergency

    return open_emergency(world.township_admin, world.township, "2026年汛期防汛")
