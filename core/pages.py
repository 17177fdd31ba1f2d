"""Small helpers shared by the pages of every app: paging, Excel downloads, htmx."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
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
