from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.photos import clean_photo
from points.domain import rulebooks, store
from points.domain.defaults import DEFAULT_RULES


def install_points(world, *, in_force_from=date(2026, 1, 1)):
    """红旗村's rulebook (the defaults, approved) and its store, as the branch would set them."""
    book = rulebooks.draft_rulebook(world.branch, world.village, rules=DEFAULT_RULES)
    rulebooks.approve_rulebook(
        world.branch,
        book,
        approved_on=in_force_from,
        assembly_minutes="村民代表大会表决通过",
        in_force_from=in_force_from,
    )
    shop = store.open_store(world.branch, world.village)
    return book, shop


@pytest.fixture
def points(world):
    book, shop = install_points(world)
    return book, shop


def jpeg(color="green") -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "JPEG")
    return out.getvalue()


def a_photo():
    return clean_photo(SimpleUploadedFile("labour.jpg", jpeg()), "labour.jpg")
