"""Small helpers shared by list pages."""

from django.conf import settings
from django.core.paginator import Page, Paginator


def paginate(request, queryset, per_page: int | None = None) -> Page:
    """The requested page of ``queryset``; a bad or too-large page number gives the last page."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")
