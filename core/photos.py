"""Meeting photos: checked by their content (not their name), size-limited, re-encoded
without their metadata (GPS location included), with a thumbnail for lists and phones."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
LONG_EDGE = 2048
THUMB_EDGE = 320


class PhotoError(ValueError):
    """A file that is not an acceptable photo; the message is for the uploader."""


@dataclass
class CleanPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def clean_photo(upload, name: str = "photo") -> CleanPhoto:
    """Read an uploaded file, refuse what is not a JPEG, PNG or WebP photo of a sane size,
    and return it re-encoded (orientation applied, metadata dropped) with a thumbnail."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoError(f"照片“{name}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩后再传。")
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise PhotoError(f"照片“{name}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩后再传。")
    try:
        with Image.open(BytesIO(data)) as probe:
            probe.verify()
        opened = Image.open(BytesIO(data))
        image_format = opened.format
        if opened.width * opened.height > MAX_PIXELS:
            raise PhotoError(f"照片“{name}”像素过大。")
        image: Image.Image = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise PhotoError(f"“{name}”不是可识别的图片（支持 JPG、PNG、WebP）。") from None
    if image_format not in FORMATS:
        raise PhotoError(f"“{name}”的格式不支持，请上传 JPG、PNG 或 WebP 照片。")
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((LONG_EDGE, LONG_EDGE))
    thumb = image.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
    return CleanPhoto(
        image=ContentFile(_jpeg(image), name="photo.jpg"),
        thumbnail=ContentFile(_jpeg(thumb), name="thumb.jpg"),
        width=image.width,
        height=image.height,
    )


def _jpeg(image: Image.Image) -> bytes:
    """Encoded without ``exif``: nothing of the original metadata survives."""
    out = BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


PDF_MAGIC = b"%PDF-"


def clean_evidence(upload) -> ContentFile:
    """Rectification evidence: a PDF scan (recognised by its content) kept as is, or a photo
    cleaned like meeting photos; anything else, or over the size limit, is a ``PhotoError``."""
    if (getattr(upload, "size", None) or 0) > MAX_BYTES:
        raise PhotoError(f"整改材料超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩后再传。")
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        return ContentFile(upload.read(), name="evidence.pdf")
    try:
        photo = clean_photo(upload, getattr(upload, "name", "") or "evidence")
    except PhotoError:
        raise PhotoError("整改材料只能是照片（JPG、PNG、WebP）或 PDF 文件。") from None
    photo.image.name = "evidence.jpg"
    return photo.image


# --- photos kept across a refused form --------------------------------------------------------
# A phone form refused for another field would make the user choose the photos again (the
# browser cannot put files back into a file input). So the photos that passed the checks are
# kept as pending files in the default storage, named by a random id, and the page carries a
# signed token per photo (bound to the uploader) in place of the file; the resubmit sends the
# tokens back and the photos are attached as if chosen again. Pending files nobody claims are
# removed after PENDING_MAX_AGE.

PENDING_DIR = "pending-photos"
PENDING_MAX_AGE = timedelta(hours=24)
_SALT = "lingyan.core.photos.pending"


@dataclass
class PendingPhoto:
    """A checked photo kept for the user's resubmit: its token, and the photo itself."""

    token: str
    photo: CleanPhoto


def _pending_names(key: str) -> tuple[str, str]:
    return f"{PENDING_DIR}/{key}.jpg", f"{PENDING_DIR}/{key}-thumb.jpg"


def keep_pending(photo: CleanPhoto, owner_id: int) -> PendingPhoto:
    """Store a checked photo as pending for ``owner_id``; the token names it to that user only."""
    key = uuid.uuid4().hex
    image_name, thumb_name = _pending_names(key)
    photo.image.seek(0)
    photo.thumbnail.seek(0)
    default_storage.save(image_name, ContentFile(photo.image.read()))
    default_storage.save(thumb_name, ContentFile(photo.thumbnail.read()))
    photo.image.seek(0)
    photo.thumbnail.seek(0)
    sweep_pending()
    token = signing.dumps(
        {"k": key, "u": owner_id, "w": photo.width, "h": photo.height}, salt=_SALT, compress=True
    )
    return PendingPhoto(token=token, photo=photo)


def _read_token(token: str, owner_id: int) -> dict | None:
    try:
        data = signing.loads(token, salt=_SALT, max_age=PENDING_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("u") != owner_id:
        return None
    key = str(data.get("k", ""))
    return data if key.isalnum() and len(key) == 32 else None


def claim_pending(token: str, owner_id: int) -> PendingPhoto | None:
    """The photo a token names, if it is the owner's and still kept; ``None`` otherwise."""
    data = _read_token(token, owner_id)
    if data is None:
        return None
    image_name, thumb_name = _pending_names(data["k"])
    try:
        with (
            default_storage.open(image_name, "rb") as image,
            default_storage.open(thumb_name, "rb") as thumb,
        ):
            photo = CleanPhoto(
                image=ContentFile(image.read(), name="photo.jpg"),
                thumbnail=ContentFile(thumb.read(), name="thumb.jpg"),
                width=int(data.get("w") or 0),
                height=int(data.get("h") or 0),
            )
    except (FileNotFoundError, OSError):
        return None
    return PendingPhoto(token=token, photo=photo)


def pending_thumbnail(token: str, owner_id: int) -> str | None:
    """The storage name of a pending photo's thumbnail, for its owner only."""
    data = _read_token(token, owner_id)
    if data is None:
        return None
    thumb_name = _pending_names(data["k"])[1]
    return thumb_name if default_storage.exists(thumb_name) else None


def discard_pending(tokens: Iterable[str], owner_id: int) -> None:
    """Remove pending photos once attached (or given up)."""
    for token in tokens:
        data = _read_token(token, owner_id)
        if data is not None:
            for name in _pending_names(data["k"]):
                default_storage.delete(name)


def sweep_pending(now: datetime | None = None) -> int:
    """Remove the pending files older than ``PENDING_MAX_AGE`` (unclaimed); how many."""
    limit = (now or timezone.now()) - PENDING_MAX_AGE
    try:
        _, names = default_storage.listdir(PENDING_DIR)
    except (FileNotFoundError, NotImplementedError):
        return 0
    removed = 0
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                removed += 1
        except (FileNotFoundError, NotImplementedError):
            continue
    return removed
