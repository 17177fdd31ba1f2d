"""Scoping case of the kept photo's thumbnail: its uploader sees it, anyone else gets 404."""

from tests.url_case import Case


def pending_url(world) -> str:
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from core.photos import clean_photo, keep_pending

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 40)).save(buffer, format="JPEG")
    photo = clean_photo(SimpleUploadedFile("a.jpg", buffer.getvalue()), "a.jpg")
    return f"/photos/pending/{keep_pending(photo, world.grid_worker.pk).token}/"


CASES = [
    Case("photos/pending/<str:token>/", pending_url, "grid_worker", "outsider"),
]
