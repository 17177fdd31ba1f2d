"""Excel templates, exports and imports (``orgs.excel``) for admins and branch accounts.

The workbooks are Chinese documents whatever language the page is shown in: their sheet
titles, headers, choice labels and row errors are what cadres fill in and read in Excel, and
an import must parse a Chinese file from a user who browses in English. So every call into
``orgs.excel`` runs with Chinese active (``EXCEL_LANGUAGE``); the page around it is translated.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.scope import get_for_user, scope_for
from core.excel import EXCEL_LANGUAGE
from orgs.excel import KINDS, MAX_FILE_BYTES, export_workbook, import_workbook, template_workbook
from orgs.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BRANCH_KINDS = ("grids", "members", "households")
# The page's names for the kinds (the Excel sheet titles stay ``KINDS[name].title``).
TITLES = {
    "regions": _("行政区划"),
    "organizations": _("党组织"),
    "grids": _("网格"),
    "members": _("党员"),
    "households": _("农户"),
}


def _kinds_for(user) -> list[str]:
    """The kinds the user manages: every kind for admins; grids, members and households for a
    branch account. Anyone else has no Excel page (404)."""
    scope = scope_for(user)
    if scope.is_admin:
        return list(KINDS)
    if scope.branch_org_paths:
        return list(BRANCH_KINDS)
    raise Http404


def _kind(user, kind: str) -> str:
    if kind not in _kinds_for(user):
        raise Http404
    return kind


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def transfer(request, result=None, result_kind: str = ""):
    kinds = _kinds_for(request.user)
    return render(
        request,
        "orgs/transfer.html",
        {
            "kinds": [{"name": name, "title": TITLES[name]} for name in kinds],
            "order": " → ".join(str(TITLES[name]) for name in kinds),
            "is_admin": scope_for(request.user).is_admin,
            "result": result,
            "result_kind": result_kind,
            "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        },
    )


@login_required
def template(request, kind: str):
    kind = _kind(request.user, kind)
    with translation.override(EXCEL_LANGUAGE):
        content = template_workbook(kind)
    return _download(content, f"{kind}-template.xlsx")


@login_required
def export(request, kind: str):
    kind = _kind(request.user, kind)
    region_id = request.GET.get("region")
    root = get_for_user(request.user, Region, region_id) if region_id else None
    try:
        with translation.override(EXCEL_LANGUAGE):
            content = export_workbook(
                request.user, kind, root, unmasked=request.GET.get("unmasked") == "1"
            )
    except PermissionError as error:
        return HttpResponse(str(error), status=403)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _download(content, f"{kind}-{stamp}.xlsx")


@login_required
@require_POST
def import_rows(request, kind: str):
    kind = _kind(request.user, kind)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, gettext("请选择要导入的 Excel 文件（.xlsx）。"))
        return transfer(request)
    with translation.override(EXCEL_LANGUAGE):
        result = import_workbook(request.user, kind, upload)
    if result.ok:
        messages.success(
            request,
            gettext(
                "%(kind)s：导入完成：新增 %(created)s 条，"
                "修改 %(updated)s 条，未变 %(unchanged)s 条。"
            )
            % {
                "kind": TITLES[kind],
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
    return transfer(request, result=result, result_kind=TITLES[kind])
