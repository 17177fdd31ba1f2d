"""Small helpers shared by the pages (and API routers) of every app: paging, Excel downloads,
stored files, htmx."""

import mimetypes
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def paginate(request, queryset, per_page: int | None = None, *, count: int | None = None) -> Page:
    """The requested page of ``queryset``; a bad or too-large page number gives the last page.
    ``count``, when the caller already knows the total (a subtree's counter), saves the
    ``COUNT(*)`` that costs half a second over a province's six million households."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def is_htmx(request) -> bool:
    """Whether htmx asked for the page (then a partial answers)."""
    return request.headers.get("HX-Request") == "true"


def xlsx_download(content: bytes, name: str) -> HttpResponse:
    """An Excel workbook as a download named ``name-YYYYmmdd-HHMM.xlsx`` (local time)."""
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}-{stamp}.xlsx"
    return response


def serve(file_field: Any, *, download_name: str | None = None) -> FileResponse:
    """A stored photo or file, to a caller the view or router has already checked (the media
    directory itself is never served); a file missing on disk is a 404."""
    if not file_field:
        raise Http404
    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(file_field.name)[0] or "application/octet-stream"
    # Photos are re-encoded by us and shown inline; anything else (a PDF) is downloaded.
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not content_type.startswith("image/"),
        filename=download_name or "",
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
