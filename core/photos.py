"""Meeting photos: checked by their content (not their name), size-limited, re-encoded
without their metadata (GPS location included), with a thumbnail for lists and phones."""

from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
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
