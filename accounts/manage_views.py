"""Account pages: a user's own password, and for admins the account list and detail,
issuing (one at a time or from the Excel roster), password resets, deactivation and the
coverage of branch accounts and grid workers per node. Thin: the work is in
``accounts.domain``."""

import base64

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.domain import coverage as coverage_domain
from accounts.domain import issuing, roster
from accounts.domain.passwords import (
    AccountRefused,
    change_own_password,
    reset_password,
    set_active,
)
from accounts.forms import AccountFilterForm, IssueForm
from accounts.models import Role, RoleAssignment, User
from accounts.roles import home_region
from accounts.scope import can_write, get_for_user, visible
from audit.models import AuditEntry
from core.excel import EXCEL_LANGUAGE, workbook
from core.forms import apply_refusal
from core.pages import XLSX, client_ip, is_htmx, paginate, xlsx_download
from core.paths import subtree_q
from core.search import search
from orgs.excel import MAX_FILE_BYTES
from orgs.models import Region

MISSING_SHOWN = 50


def _admin_only(user) -> None:
    if not issuing.may_issue(user):
        raise Http404


def _passwords_file(issued: list) -> str:
    """The shown-once passwords as an Excel file inside the page (a ``data:`` link), so a
    county can hand out hundreds of them without the server keeping a copy."""
    with translation.override(EXCEL_LANGUAGE):
        content, _count = workbook(
            gettext("账号密码单"),
            [gettext("用户名"), gettext("显示名称"), gettext("角色"), gettext("初始密码")],
            (
                [
                    item["user"].username,
                    item["user"].display_name,
                    item.get("label") or "；".join(a.label for a in item["user"].assignments.all()),
                    item["password"],
                ]
                for item in issued
            ),
        )
    return f"data:{XLSX};base64,{base64.b64encode(content).decode()}"


def _shown_once(request, issued: list, title: str):
    """The page that shows new passwords: never cached, never shown again."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = render(
        request,
        "accounts/issued.html",
        {
            "issued": issued,
            "title": title,
            "file": _passwords_file(issued),
            "file_name": f"passwords-{stamp}.xlsx",
        },
    )
    add_never_cache_headers(response)
    return response


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        change_own_password(
            request.user, form.cleaned_data["new_password1"], ip_address=client_ip(request)
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, gettext("密码已修改。"))
        return redirect("accounts:home")
    return render(request, "accounts/password_change.html", {"form": form})


def _admin_region(request) -> Region:
    """The ``?region=`` node the admin administers, or their own region."""
    region_id = request.GET.get("region")
    if region_id:
        return get_for_user(request.user, Region, region_id, write=True)
    return home_region(request.user)


@login_required
def account_list(request):
    _admin_only(request.user)
    form = AccountFilterForm(request.GET or None)
    accounts = visible(request.user, User)
    region = None
    if form.is_valid():
        data = form.cleaned_data
        accounts = search(accounts, data["q"], ["username", "display_name"], number=None)
        held = Q()
        if data["role"]:
            held &= Q(role=data["role"])
        if data["region"]:
            region = get_for_user(request.user, Region, data["region"])
            held &= subtree_q("region__path", region.path)
        if held:
            accounts = accounts.filter(
                Exists(visible(request.user, RoleAssignment).filter(held, user=OuterRef("pk")))
            )
        if data["status"]:
            accounts = accounts.filter(is_active=data["status"] == "active")
        if data["never"]:
            accounts = accounts.filter(last_login__isnull=True)
    accounts = accounts.order_by("username").prefetch_related(
        Prefetch(
            "assignments",
            visible(request.user, RoleAssignment).select_related(
                "region", "organization", "grid", "member", "household", "unit"
            ),
        )
    )
    return render(
        request,
        "accounts/account_list.html",
        {"form": form, "page": paginate(request, accounts), "region": region},
    )


@login_required
def account_detail(request, pk: int):
    _admin_only(request.user)
    account = get_for_user(request.user, User, pk)
    # only the roles the admin may see: a county cadre's other places stay unnamed
    assignments = (
        visible(request.user, RoleAssignment)
        .filter(user=account)
        .select_related("region", "organization", "grid", "member", "household", "unit")
    )
    history = visible(request.user, AuditEntry).filter(model="accounts.User", object_id=str(pk))
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "assignments": assignments,
            "history": history[:20],
            "may_change": account.pk != request.user.pk and can_write(request.user, account),
        },
    )


@login_required
@require_POST
def account_reset(request, pk: int):
    _admin_only(request.user)
    account = get_for_user(request.user, User, pk, write=True)
    try:
        password = reset_password(request.user, account)
    except AccountRefused as refused:
        messages.error(request, str(refused))
        return redirect("accounts:account_detail", pk)
    return _shown_once(request, [{"user": account, "password": password}], gettext("密码已重置"))


@login_required
@require_POST
def account_active(request, pk: int, active: str):
    _admin_only(request.user)
    account = get_for_user(request.user, User, pk, write=True)
    try:
        set_active(request.user, account, active == "reactivate")
    except AccountRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            gettext("账号已启用。") if active == "reactivate" else gettext("账号已停用。"),
        )
    return redirect("accounts:account_detail", pk)


def _chosen(request, role: str | None, data):
    try:
        pk = int(data.get("subject") or "")
    except ValueError:
        return None
    return issuing.subjects(request.user, role).filter(pk=pk).first() if role else None


@login_required
def issue(request):
    """Issue one account. The subject is found by a scoped type-ahead search (htmx asks this
    same view for the results; without script the 搜索 button does)."""
    _admin_only(request.user)
    roles = issuing.issued_roles(request.user)
    data = request.POST if request.method == "POST" else request.GET
    role = data.get("role") if data.get("role") in {r.value for r in roles} else None
    query = data.get("q", "")[:50]
    chosen = _chosen(request, role, data)
    results = issuing.search_subjects(request.user, role, query) if role else []
    if chosen is not None and chosen not in results:
        results.insert(0, chosen)
    options = [
        {"pk": s.pk, "label": issuing.subject_label(role, s), "checked": s == chosen}
        for s in results
    ]
    context = {"options": options, "role": role, "query": query, "limit": 20}
    if is_htmx(request) and request.method == "GET":
        return render(request, "accounts/_subject_options.html", context)
    if request.method == "POST":
        form = IssueForm(request.POST, roles=roles)
        if form.is_valid():
            if chosen is None:
                form.add_error("subject", gettext("请先搜索并选择对象。"))
            else:
                try:
                    issued = issuing.issue_account(
                        request.user,
                        form.cleaned_data["role"],
                        chosen,
                        form.cleaned_data["username"],
                        form.cleaned_data["display_name"],
                    )
                except AccountRefused as refused:
                    apply_refusal(form, refused)
                else:
                    return _shown_once(
                        request,
                        [{"user": issued.user, "password": issued.password}],
                        gettext("账号已发放"),
                    )
    else:
        form = IssueForm(initial={"role": role}, roles=roles)
    return render(request, "accounts/issue.html", context | {"form": form})


@login_required
def roster_page(request, result=None):
    _admin_only(request.user)
    return render(
        request,
        "accounts/roster.html",
        {
            "result": result,
            "region": home_region(request.user),
            "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        },
    )


@login_required
def roster_template(request):
    _admin_only(request.user)
    with translation.override(EXCEL_LANGUAGE):
        content = roster.template_workbook()
    return xlsx_download(content, "account-roster-template")


@login_required
def roster_missing(request):
    """The pre-filled roster of every missing branch account and grid worker of a node."""
    _admin_only(request.user)
    region = _admin_region(request)
    with translation.override(EXCEL_LANGUAGE):
        content = roster.missing_workbook(request.user, region)
    return xlsx_download(content, f"account-roster-{region.code}")


@login_required
@require_POST
def roster_import(request):
    _admin_only(request.user)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, gettext("请选择要导入的 Excel 文件（.xlsx）。"))
        return roster_page(request)
    with translation.override(EXCEL_LANGUAGE):
        result = roster.import_roster(request.user, upload)
    if not result.ok:
        return roster_page(request, result=result)
    issued = [
        {"user": i.user, "password": i.password, "label": i.assignment.label} for i in result.issued
    ]
    return _shown_once(
        request,
        issued,
        gettext("已发放 %(n)s 个账号") % {"n": len(issued)},
    )


@login_required
def coverage(request):
    """Per node: organizations without an active branch account, grids without an active grid
    worker, per child node, with links to issue them."""
    _admin_only(request.user)
    region = _admin_region(request)
    figures = coverage_domain.coverage(region)
    return render(
        request,
        "accounts/coverage.html",
        {
            "region": region,
            "coverage": figures,
            "crumbs": visible(request.user, region.ancestors()),
            "missing_organizations": coverage_domain.missing_organizations(region)
            .select_related("region")
            .order_by("path")[:MISSING_SHOWN],
            "missing_grids": coverage_domain.missing_grids(region)
            .select_related("region")
            .order_by("region_path", "code")[:MISSING_SHOWN],
            "shown": MISSING_SHOWN,
            "branch": Role.BRANCH.value,
            "grid_worker": Role.GRID_WORKER.value,
        },
    )
