"""Pages of organizational life (组织生活): the command centre and its drill-down, warnings
and their rectification, activity records with photos, a branch's calendar, the county's
requirements and a member's own attendance. Every row is reached through ``accounts.scope``;
every change goes through ``orglife.domain``."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.roles import home_region
from accounts.scope import can_write, get_for_user, scope_for, visible
from core.excel import EXCEL_LANGUAGE
from core.forms import apply_refusal, bind_photos, photos_attached
from core.numbers import year_in_range
from core.pages import is_htmx, paginate, serve, xlsx_download
from core.paths import subtree_q
from core.periods import Period, month_of
from orglife import excel
from orglife.domain import compliance, records, requirements
from orglife.domain import warnings as warning_actions
from orglife.domain.compliance import Figures
from orglife.domain.periods import running_periods
from orglife.forms import (
    CentreForm,
    ExemptionForm,
    GapFilterForm,
    NoteForm,
    OrganizationPickForm,
    RecordFilterForm,
    RecordForm,
    RectifyForm,
    ReopenForm,
    RequirementForm,
    SettingsForm,
    WarningFilterForm,
)
from orglife.models import (
    ActivityRecord,
    ActivityType,
    Attendance,
    DueReport,
    Exemption,
    Requirement,
    Warning,
)
from orglife.scope_rules import is_superior, is_warned_organization
from orgs.models import Member, Organization, Region
from orgs.scope_rules import manageable_organizations, may_see_counts

UNCLOSED = (Warning.Status.OPEN, Warning.Status.ACKNOWLEDGED, Warning.Status.RECTIFIED)
RECORD_KINDS = (
    Organization.Kind.BRANCH,
    Organization.Kind.GENERAL_BRANCH,
    Organization.Kind.GROUP,
)


# --- shared helpers -------------------------------------------------------------------------


def _require_manager(user) -> None:
    """Organizational life is worked by admins and branch accounts; anyone else gets 404."""
    scope = scope_for(user)
    if not (scope.is_admin or scope.branch_org_paths):
        raise Http404


def _node(user, region: Region | None) -> Region:
    """The node a figures page is about: the one asked for, or the user's home; only for
    those who may see its counts."""
    node = region or home_region(user)
    if not may_see_counts(user, node):
        raise Http404
    return node


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# --- the command centre ------------------------------------------------------------------


@dataclass
class MonthRow:
    month: date
    figures: Figures
    in_progress: bool

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def missing(self) -> int:
        return self.figures.due - self.figures.reported


@dataclass
class NodeRow:
    region: Region
    closed: Figures = field(default_factory=Figures)
    in_progress: Figures = field(default_factory=Figures)


def _split(by_month: dict[date, Figures], current: date) -> tuple[Figures, Figures]:
    """Periods that have ended (their month is before the current one) and those still
    running: only the first count in the year's figures, as DHIS2 counts closed periods."""
    closed, running = Figures(), Figures()
    for month, figures in by_month.items():
        target = closed if month < current else running
        target.add(figures.due, figures.reported, figures.on_time)
    return closed, running


@dataclass
class CentreFigures:
    region: Region
    year: int
    current: date
    node: NodeRow
    children: list[NodeRow]
    months: list[MonthRow]


def centre_figures(region: Region, year: int) -> CentreFigures:
    """The command centre's figures for ``region`` and ``year`` from one rollup."""
    current = month_of(timezone.localdate())
    total, children = compliance.rollup(region, date(year, 1, 1), date(year, 12, 1))
    node = NodeRow(region, *_split(total.by_month, current))
    rows = [NodeRow(child.region, *_split(child.by_month, current)) for child in children]
    months = [
        MonthRow(
            date(year, m, 1),
            total.by_month.get(date(year, m, 1), Figures()),
            date(year, m, 1) >= current,
        )
        for m in range(1, 13)
    ]
    return CentreFigures(region, year, current, node, rows, months)


CHART_HEIGHT = 120


def month_chart(months: list[MonthRow]) -> dict:
    """Bars of a small SVG chart: completeness and timeliness per month, 0–100%, with the
    month numbers under them."""
    bars, labels = [], []
    for index, row in enumerate(months):
        x = 30 + index * 27
        labels.append((x + 10, row.month.month))
        for offset, value, kind in (
            (0, row.figures.completeness, "c"),
            (11, row.figures.timeliness, "t"),
        ):
            height = round((value or 0) * CHART_HEIGHT)
            bars.append(
                {
                    "x": x + offset,
                    "y": 10 + CHART_HEIGHT - height,
                    "height": height,
                    "kind": kind,
                    "running": row.in_progress,
                    "title": f"{row.key} {_percent(value)}",
                }
            )
    return {"bars": bars, "labels": labels}


def _centre_form(request) -> tuple[Region, int]:
    form = CentreForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise Http404
    data = form.cleaned_data if form.is_bound else {}
    node = _node(request.user, data.get("region"))
    return node, data.get("year") or timezone.localdate().year


@login_required
def centre(request):
    """Completeness and timeliness of a node for a year: by child node and by month, with
    the periods still running shown apart, open warnings, charts and drill-down links."""
    node, year = _centre_form(request)
    figures = centre_figures(node, year)
    open_warnings = (
        visible(request.user, Warning)
        .filter(subtree_q("region_path", node.path), status__in=UNCLOSED)
        .count()
    )
    return render(
        request,
        "orglife/centre.html",
        {
            "region": node,
            "ancestors": visible(request.user, node.ancestors()),
            "f": figures,
            "year": year,
            "this_year": timezone.localdate().year,
            "chart": month_chart(figures.months),
            "open_warnings": open_warnings,
            "on_time_days": requirements.settings_for(node.path).on_time_days,
            **headline_periods(year, figures.current),
        },
    )


def headline_periods(year: int, current: date) -> dict:
    """What the headline figures cover, for the page to say so: the year's periods that have
    ended (the months before the current one; a quarter or year counts in its last month),
    and the month still running, which is shown apart and joins the headline once it ends."""
    if year < current.year:
        last_closed = 12
    elif year == current.year:
        last_closed = current.month - 1
    else:
        last_closed = 0
    return {
        "closed_through": last_closed,  # 0: no period of that year has ended yet
        "running_month": current if year == current.year else None,
    }


@login_required
def centre_export(request, table: str):
    node, year = _centre_form(request)
    figures = centre_figures(node, year)
    with translation.override(EXCEL_LANGUAGE):
        if table == "children":
            content = excel.children_workbook(request.user, node, year, figures.children)
        elif table == "months":
            content = excel.months_workbook(request.user, node, year, figures.months)
        else:
            raise Http404
    return xlsx_download(content, f"orglife-{table}-{year}")


# --- drill-down: the due reports behind a number ----------------------------------------


def due_status(due: DueReport, now) -> str:
    if due.on_time:
        return gettext("按时")
    if due.reported_at is not None:
        return gettext("迟报")
    if due.deadline <= now:
        return gettext("未报")
    return gettext("未到截止")


def _gap_rows(request):
    form = GapFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    node = _node(request.user, data.get("region"))
    rows = visible(request.user, DueReport).filter(subtree_q("region_path", node.path))
    if form.is_bound and not form.is_valid():
        rows = rows.none()
    month, year = data.get("month"), data.get("year")
    if month:
        rows = rows.filter(month=month)
    else:
        year = year or timezone.localdate().year
        # A list of months, not a range: one narrow range of the (month, region_path) index
        # per month.
        months = [date(year, m, 1) for m in range(1, 13)]
        if request.GET.get("closed") == "1":
            months = [m for m in months if m < month_of(timezone.localdate())]
        rows = rows.filter(month__in=months)
    status = data.get("status")
    if status == "missing":
        rows = rows.filter(reported_at__isnull=True)
    elif status == "late":
        rows = rows.filter(reported_at__isnull=False, on_time=False)
    elif status == "on_time":
        rows = rows.filter(on_time=True)
    return form, node, month, year, rows


@login_required
def gaps(request):
    """The due reports behind a number of the command centre, with what became of each."""
    form, node, month, year, rows = _gap_rows(request)
    rows = rows.select_related("organization", "activity_type", "warning").order_by(
        "org_path", "activity_type__position", "period_start"
    )
    page = paginate(request, rows)
    now = timezone.now()
    for due in page:
        due.status_label = due_status(due, now)
        due.period_label = Period(due.period_start, due.period_end).label
    return render(
        request,
        "orglife/gaps.html",
        {"form": form, "region": node, "month": month, "year": year, "page": page},
    )


@login_required
def gaps_export(request):
    _form, node, month, year, rows = _gap_rows(request)
    now = timezone.now()
    title = f"{node.name}{month:%Y-%m}应报明细" if month else f"{node.name}{year}年应报明细"
    with translation.override(EXCEL_LANGUAGE):
        content = excel.due_reports_workbook(
            request.user, node.path, title, rows, lambda due: due_status(due, now)
        )
    return xlsx_download(content, "orglife-due-reports")


# --- warnings -----------------------------------------------------------------------------


def _warning_rows(request):
    _require_manager(request.user)
    form = WarningFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = visible(request.user, Warning)
    if form.is_bound and not form.is_valid():
        rows = rows.none()
    region = data.get("region")
    if region is not None:
        rows = rows.filter(subtree_q("region_path", region.path))
    status = data.get("status") or ""
    if status == "":
        rows = rows.filter(status__in=UNCLOSED)
    elif status != "all":
        rows = rows.filter(status=status)
    return form, region, rows


def allowed_moves(user, warning: Warning) -> dict[str, bool]:
    """Which of the warning's moves this user may make now (the domain re-checks the state)."""
    own = is_warned_organization(user, warning)
    superior = is_superior(user, warning)
    status = warning.status
    return {
        "acknowledge": own and status == Warning.Status.OPEN,
        "rectify": own and status in (Warning.Status.OPEN, Warning.Status.ACKNOWLEDGED),
        "close": superior and status == Warning.Status.RECTIFIED,
        "reopen": superior and status == Warning.Status.RECTIFIED,
    }


@login_required
def warning_list(request):
    form, region, rows = _warning_rows(request)
    rows = rows.select_related("organization", "activity_type")
    page = paginate(request, rows)
    for warning in page:
        warning.moves = allowed_moves(request.user, warning)
        warning.period_label = Period(warning.period_start, warning.period_end).label
    scope = scope_for(request.user)
    return render(
        request,
        "orglife/warning_list.html",
        {"form": form, "region": region, "page": page, "is_admin": scope.is_admin},
    )


@login_required
def warnings_export(request):
    _form, region, rows = _warning_rows(request)
    place = region.path if region else home_region(request.user).path
    with translation.override(EXCEL_LANGUAGE):
        content = excel.warnings_workbook(request.user, place, rows)
    return xlsx_download(content, "orglife-warnings")


def _warning(user, pk: int) -> Warning:
    return get_for_user(
        user, Warning.objects.select_related("organization", "activity_type", "due_report"), pk
    )


def _panel_context(user, warning: Warning, **extra) -> dict:
    labels = dict(Warning.Status.choices)
    events = list(warning.events.select_related("actor"))
    for event in events:
        event.from_label = labels.get(event.from_status, "")
        event.to_label = labels.get(event.to_status, event.to_status)
    return {
        "warning": warning,
        "period_label": Period(warning.period_start, warning.period_end).label,
        "events": events,
        "moves": allowed_moves(user, warning),
        "rectify_form": extra.pop("rectify_form", None) or RectifyForm(),
        "reopen_form": extra.pop("reopen_form", None) or ReopenForm(),
        "note_form": NoteForm(),
        **extra,
    }


@login_required
def warning_detail(request, pk: int):
    warning = _warning(request.user, pk)
    return render(request, "orglife/warning_detail.html", _panel_context(request.user, warning))


DONE_MESSAGES = {
    "acknowledge": _("已知悉该预警。"),
    "rectify": _("已提交整改。"),
    "close": _("预警已销号。"),
    "reopen": _("已退回整改。"),
}


@login_required
@require_POST
def warning_action(request, pk: int, action: str):
    """One move of a warning. Whether it happened is the domain's compare-and-set: if
    someone moved the warning meanwhile, the page says so and shows the current state."""
    if action not in warning_actions.TRANSITIONS:
        raise Http404
    user = request.user
    warning = _warning(user, pk)
    by = warning_actions.TRANSITIONS[action]["by"]
    if (by == "organization" and not is_warned_organization(user, warning)) or (
        by == "superior" and not is_superior(user, warning)
    ):
        return HttpResponseForbidden(gettext("该操作不属于您的职责。"))
    forms_kept: dict = {}
    moved = None
    if action == "rectify":
        form = RectifyForm(request.POST, request.FILES)
        if form.is_valid():
            moved = warning_actions.rectify(
                user, warning, form.cleaned_data["explanation"], form.cleaned_data["evidence"]
            )
        else:
            forms_kept["rectify_form"] = form
    elif action == "reopen":
        form = ReopenForm(request.POST)
        if form.is_valid():
            moved = warning_actions.reopen(user, warning, form.cleaned_data["note"])
        else:
            forms_kept["reopen_form"] = form
    else:
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        moved = getattr(warning_actions, action)(user, warning, note)
    warning.refresh_from_db()
    if moved is None:
        notice, level = gettext("请按提示修改后再提交。"), "error"
    elif moved:
        notice, level = str(DONE_MESSAGES[action]), "success"
    else:
        notice, level = (
            gettext("该预警的状态已被他人更改（现为“%(status)s”），请查看最新状态后再操作。")
            % {"status": warning.get_status_display()},
            "error",
        )
    if is_htmx(request):
        if request.POST.get("partial") == "row":
            warning.moves = allowed_moves(user, warning)
            warning.period_label = Period(warning.period_start, warning.period_end).label
            return render(
                request, "orglife/_warning_row.html", {"warning": warning, "notice": notice}
            )
        context = _panel_context(user, warning, notice=notice, level=level, **forms_kept)
        return render(request, "orglife/_warning_panel.html", context)
    if forms_kept:
        context = _panel_context(user, warning, notice=notice, level=level, **forms_kept)
        return render(request, "orglife/warning_detail.html", context)
    getattr(messages, level)(request, notice)
    return redirect("orglife:warning", warning.pk)


@login_required
def warning_evidence(request, pk: int):
    warning = _warning(request.user, pk)
    if not warning.evidence:
        raise Http404
    return serve(warning.evidence, download_name=warning.evidence.name.rsplit("/", 1)[-1])


@login_required
def repeated(request):
    """Organizations with two or more warnings in the last twelve months, for superiors."""
    scope = scope_for(request.user)
    region_id = request.GET.get("region")
    node = get_for_user(request.user, Region, region_id) if region_id else None
    node = node or home_region(request.user)
    if not (scope.is_superuser or any(node.path.startswith(p) for p in scope.admin_paths)):
        raise Http404
    since = timezone.now() - timedelta(days=365)
    rows = list(warning_actions.repeated(node.path, since))
    return render(request, "orglife/repeated.html", {"region": node, "rows": rows, "since": since})


# --- records --------------------------------------------------------------------------------


@login_required
def record_list(request):
    _require_manager(request.user)
    form = RecordFilterForm(request.GET or None, user=request.user)
    rows = visible(request.user, ActivityRecord)
    organization = None
    if form.is_bound:
        if form.is_valid():
            organization = form.cleaned_data["organization"]
            if organization is not None:
                rows = rows.filter(subtree_q("org_path", organization.path))
            if form.cleaned_data["activity_type"] is not None:
                rows = rows.filter(types__activity_type=form.cleaned_data["activity_type"])
            month = form.cleaned_data["month"]
            if month is not None:
                rows = rows.filter(held_on__year=month.year, held_on__month=month.month)
        else:
            rows = rows.none()
    rows = (
        rows.select_related("organization")
        .prefetch_related("activity_types")
        .annotate(photo_count=Count("photos", distinct=True))
        .order_by("-held_on", "-id")
    )
    return render(
        request,
        "orglife/record_list.html",
        {"form": form, "organization": organization, "page": paginate(request, rows)},
    )


def _record_organizations(user):
    return manageable_organizations(user).filter(kind__in=RECORD_KINDS).order_by("path")


def _types_for(organization: Organization, extra_ids=()) -> list[ActivityType]:
    """The types an organization's record offers: those it must hold, plus any already on
    the record or asked for; every type when the county has set no requirements yet."""
    required = {t.pk for t in requirements.required_types(organization)}
    wanted = required | set(extra_ids)
    types = ActivityType.objects.all()
    return types.filter(pk__in=wanted) if required else types


def _members(user, organization: Organization) -> list[Member]:
    return list(visible(user, Member).filter(organization=organization).order_by("name", "pk"))


def _pick_organization(request, organizations, template_title):
    return render(
        request,
        "orglife/pick_organization.html",
        {
            "pick": OrganizationPickForm(organizations=organizations),
            "title": template_title,
        },
    )


@login_required
def record_new(request):
    """Upload an activity record (phone first). A branch account uploads for its own
    organization; an admin picks one of the organizations in scope."""
    _require_manager(request.user)
    organizations = _record_organizations(request.user)
    org_id = request.POST.get("organization") or request.GET.get("organization")
    if org_id:
        organization = organizations.filter(pk=org_id if str(org_id).isdigit() else 0).first()
        if organization is None:
            raise Http404
    else:
        scope = scope_for(request.user)
        own = organizations.filter(path__in=scope.branch_org_paths)
        if scope.is_admin or len(own) != 1:
            return _pick_organization(request, organizations[:1000], gettext("上传组织生活记录"))
        organization = own[0]
    asked = ActivityType.objects.filter(code=request.GET.get("type", "")).first()
    types = _types_for(organization, [asked.pk] if asked else [])
    members = _members(request.user, organization)
    held_on = request.GET.get("held_on") or timezone.localdate().isoformat()
    initial = {"held_on": held_on, "activity_types": [asked] if asked else []}
    if request.method == "POST":
        form = RecordForm(request.POST, request.FILES, types=types, members=members)
        bind_photos(form, request.user)
        if form.is_valid():
            try:
                rec = records.upload_record(
                    request.user,
                    organization,
                    form.record_input(),
                    photos=form.cleaned_data["photos"],
                )
            except records.RecordRefused as error:
                apply_refusal(form, error)
            else:
                photos_attached(form)
                messages.success(request, gettext("记录已上传。"))
                return redirect("orglife:record", rec.pk)
    else:
        form = RecordForm(types=types, members=members, initial=initial)
    return render(
        request,
        "orglife/record_form.html",
        {
            "form": form,
            "organization": organization,
            "title": gettext("上传组织生活记录"),
            "photos_lost": request.method == "POST" and bool(request.FILES.getlist("photos")),
        },
    )


@login_required
def record_detail(request, pk: int):
    rec = get_for_user(
        request.user, ActivityRecord.objects.select_related("organization", "uploaded_by"), pk
    )
    attendance = (
        visible(request.user, Attendance)
        .filter(record=rec)
        .select_related("member")
        .order_by("member__name")
    )
    return render(
        request,
        "orglife/record_detail.html",
        {
            "rec": rec,
            "types": rec.activity_types.all(),
            "attendance": attendance,
            "photos": rec.photos.all(),
            "corrections": records.corrections(rec),
            "can_edit": can_write(request.user, rec),
            "locked": records.correction_locked(rec),
        },
    )


@login_required
def record_edit(request, pk: int):
    """Correct a record: freely within the county's window, with a reason after it."""
    rec = get_for_user(
        request.user, ActivityRecord.objects.select_related("organization"), pk, write=True
    )
    organization = rec.organization
    own_types = list(rec.activity_types.all())
    types = _types_for(organization, [t.pk for t in own_types])
    members = _members(request.user, organization)
    locked = records.correction_locked(rec)
    if request.method == "POST":
        form = RecordForm(
            request.POST, request.FILES, types=types, members=members, require_reason=locked
        )
        bind_photos(form, request.user)
        if form.is_valid():
            try:
                records.correct_record(
                    request.user,
                    rec,
                    form.record_input(),
                    photos=form.cleaned_data["photos"],
                    reason=form.cleaned_data["reason"],
                )
            except records.RecordRefused as error:
                apply_refusal(form, error)
            else:
                photos_attached(form)
                messages.success(request, gettext("记录已更正。"))
                return redirect("orglife:record", rec.pk)
    else:
        statuses = dict(
            visible(request.user, Attendance).filter(record=rec).values_list("member_id", "status")
        )
        reasons = dict(
            visible(request.user, Attendance).filter(record=rec).values_list("member_id", "reason")
        )
        initial = {
            "activity_types": own_types,
            "held_on": rec.held_on,
            "online": rec.online,
            "place": rec.place,
            "topic": rec.topic,
            "minutes": rec.minutes,
            **{f"status_{m}": s for m, s in statuses.items()},
            **{f"reason_{m}": r for m, r in reasons.items()},
        }
        form = RecordForm(types=types, members=members, require_reason=locked, initial=initial)
    return render(
        request,
        "orglife/record_form.html",
        {
            "form": form,
            "organization": organization,
            "rec": rec,
            "locked": locked,
            "title": gettext("更正组织生活记录"),
            "photos_lost": request.method == "POST" and bool(request.FILES.getlist("photos")),
        },
    )


@login_required
def record_photo(request, pk: int, photo_id: int):
    """A record's photo (or its thumbnail with ``?thumb=1``) for whoever may read the record;
    the media directory itself is never served."""
    rec = get_for_user(request.user, ActivityRecord, pk)
    photo = rec.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return serve(photo.thumbnail if request.GET.get("thumb") == "1" else photo.image)


# --- a branch's calendar ----------------------------------------------------------------------


@dataclass
class Cell:
    state: str  # on_time, late, missing, running, none, upcoming
    label: str = ""
    url: str = ""
    warning_id: int | None = None


STATE_LABELS = {
    "on_time": _("按时完成"),
    "late": _("补报"),
    "missing": _("未开展"),
    "running": _("待开展"),
    "none": _("不需"),
    "upcoming": "",
}


def _calendar_cell(due: DueReport | None, month: date, current: date, today: date, org) -> Cell:
    if due is None:
        return Cell(
            "upcoming" if month > current else "none",
            str(STATE_LABELS["none"]) if month <= current else "",
        )
    warning = getattr(due, "warning", None)
    if due.record_id:
        state = "on_time" if due.on_time else "late"
        url = reverse("orglife:record", args=[due.record_id])
    else:
        state = "missing" if due.deadline <= timezone.now() else "running"
        day = min(today, due.period_end)
        url = (
            f"{reverse('orglife:record_new')}?organization={org.pk}"
            f"&type={due.activity_type.code}&held_on={day.isoformat()}"
        )
    return Cell(state, str(STATE_LABELS[state]), url, warning.pk if warning else None)


@login_required
def calendar(request):
    """What one organization must hold this year and what it has done, month by month."""
    _require_manager(request.user)
    scope = scope_for(request.user)
    organizations = _record_organizations(request.user)
    org_id = request.GET.get("organization")
    if org_id:
        organization = organizations.filter(pk=org_id if org_id.isdigit() else 0).first()
        if organization is None:
            raise Http404
    else:
        own = organizations.filter(path__in=scope.branch_org_paths)
        if scope.is_admin or len(own) != 1:
            return _pick_organization(request, organizations[:1000], gettext("组织生活日历"))
        organization = own[0]
    today = timezone.localdate()
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and year_in_range(int(asked)) else today.year
    dues = list(
        visible(request.user, DueReport)
        # By the months the periods end in, through the (month, region_path) index.
        .filter(
            organization=organization,
            region_path=organization.region_path,
            month__in=[date(year, m, 1) for m in range(1, 13)],
        )
        .select_related("activity_type", "warning")
    )
    type_ids = {t.pk for t in requirements.required_types(organization)} | {
        d.activity_type_id for d in dues
    }
    types = list(ActivityType.objects.filter(pk__in=type_ids))
    current = month_of(today)
    rows = []
    for m in range(1, 13):
        month = date(year, m, 1)
        cells = []
        for activity_type in types:
            due = next(
                (
                    d
                    for d in dues
                    if d.activity_type_id == activity_type.pk
                    and d.period_start <= month <= d.period_end
                ),
                None,
            )
            cells.append(_calendar_cell(due, month, current, today, organization))
        rows.append({"month": month, "cells": cells, "current": month == current})
    return render(
        request,
        "orglife/calendar.html",
        {"organization": organization, "types": types, "rows": rows, "year": year},
    )


# --- requirements -----------------------------------------------------------------------------


def _county_of(region: Region) -> Region | None:
    """The county at or above ``region`` (requirements are set per county)."""
    if region.level == Region.Level.COUNTY:
        return region
    # The county above one's own region: its name heads the requirements every
    # organization below reads (the requirement rows themselves are scoped).
    return region.ancestors().filter(level=Region.Level.COUNTY).first()


def _may_set(user, county: Region) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or any(county.path.startswith(p) for p in scope.admin_paths)


@login_required
def requirement_list(request):
    """A county's requirements by organization kind, its settings and its exemptions: set
    by the county's admins, read by the admins and branches below."""
    _require_manager(request.user)
    region_id = request.GET.get("region")
    node = get_for_user(request.user, Region, region_id) if region_id else home_region(request.user)
    county = _county_of(node)
    if county is None:
        counties = visible(request.user, Region).filter(
            subtree_q("path", node.path), level=Region.Level.COUNTY
        )
        return render(request, "orglife/requirement_counties.html", {"counties": counties[:500]})
    may_set = _may_set(request.user, county)
    rows = (
        visible(request.user, Requirement)
        .filter(region=county)
        .select_related("activity_type")
        .order_by("organization_kind", "activity_type__position")
    )
    kinds = dict(Organization.Kind.choices)
    groups: dict[str, list] = {}
    for requirement in rows:
        requirement.form = RequirementForm(
            initial={"frequency": requirement.frequency, "active": requirement.active},
            prefix=f"r{requirement.pk}",
        )
        groups.setdefault(kinds.get(requirement.organization_kind, ""), []).append(requirement)
    settings = requirements.settings_for(county.path)
    organizations = visible(request.user, Organization, write=True).filter(
        subtree_q("region_path", county.path), kind__in=RECORD_KINDS
    )
    return render(
        request,
        "orglife/requirements.html",
        {
            "county": county,
            "groups": groups,
            "may_set": may_set,
            "settings_form": SettingsForm(
                initial={
                    "on_time_days": settings.on_time_days,
                    "correction_days": settings.correction_days,
                }
            ),
            "exemptions": visible(request.user, Exemption)
            .filter(subtree_q("region_path", county.path))
            .select_related("organization", "activity_type"),
            "exemption_form": ExemptionForm(organizations=organizations) if may_set else None,
            "year": timezone.localdate().year,
        },
    )


def _back_to_requirements(county: Region):
    return redirect(f"{reverse('orglife:requirements')}?region={county.pk}")


def _county_for_write(request) -> Region:
    region_id = request.POST.get("region") or request.GET.get("region")
    county = get_for_user(request.user, Region, region_id, write=True)
    if county.level != Region.Level.COUNTY:
        raise Http404
    return county


@login_required
@require_POST
def requirement_change(request, pk: int):
    requirement = get_for_user(request.user, Requirement, pk, write=True)
    form = RequirementForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        requirements.change_requirement(request.user, requirement, **form.cleaned_data)
        messages.success(request, gettext("要求已保存。"))
    else:
        messages.error(request, gettext("频次无效，未保存。"))
    return _back_to_requirements(requirement.region)


@login_required
@require_POST
def requirement_install(request):
    """The regulations' defaults, from 1 January of this year, and the due reports they
    create at once (so the calendar and the command centre show them without waiting for
    the sweep)."""
    county = _county_for_write(request)
    today = timezone.localdate()
    installed = requirements.install_defaults(request.user, county, date(today.year, 1, 1))
    compliance.generate_due(today, county)
    messages.success(request, gettext("已设置 %(n)s 项默认要求。") % {"n": len(installed)})
    return _back_to_requirements(county)


@login_required
@require_POST
def requirement_settings(request):
    county = _county_for_write(request)
    form = SettingsForm(request.POST)
    if form.is_valid():
        requirements.change_settings(request.user, county, **form.cleaned_data)
        messages.success(request, gettext("设置已保存。"))
    else:
        messages.error(request, gettext("天数无效，未保存。"))
    return _back_to_requirements(county)


@login_required
@require_POST
def exemption_add(request):
    county = _county_for_write(request)
    organizations = visible(request.user, Organization, write=True).filter(
        subtree_q("region_path", county.path)
    )
    form = ExemptionForm(request.POST, organizations=organizations)
    if form.is_valid():
        requirements.exempt(
            request.user,
            form.cleaned_data["organization"],
            form.cleaned_data["activity_type"],
            form.cleaned_data["reason"],
        )
        messages.success(request, gettext("已免于该要求。"))
    else:
        messages.error(request, gettext("请选择党组织、活动类型并填写原因。"))
    return _back_to_requirements(county)


# --- a member's own attendance ---------------------------------------------------------------


@login_required
def my_attendance(request):
    scope = scope_for(request.user)
    if not scope.member_ids:
        raise Http404
    rows = (
        visible(request.user, Attendance)
        .filter(member_id__in=sorted(scope.member_ids))
        .select_related("record__organization")
        .prefetch_related("record__activity_types")
        .order_by("-record__held_on", "-record_id")
    )
    return render(request, "orglife/my_attendance.html", {"page": paginate(request, rows)})


# --- what the role homes show -------------------------------------------------------------


def admin_summary(user, region: Region) -> dict:
    """This year's closed-period figures and the open warnings of an admin's region."""
    figures = centre_figures(region, timezone.localdate().year)
    return {
        "orglife": figures.node,
        "orglife_open_warnings": visible(user, Warning)
        .filter(subtree_q("region_path", region.path), status__in=UNCLOSED)
        .count(),
    }


def branch_summary(user, organization: Organization) -> dict:
    """What the branch owes in the periods running today, and its open warnings."""
    today = timezone.localdate()
    running = visible(user, DueReport).filter(
        organization=organization,
        region_path=organization.region_path,
        month__in=sorted({month_of(p.end) for p in running_periods(today)}),
        period_start__lte=today,
        period_end__gte=today,
    )
    counts = running.aggregate(
        due=Count("pk"), done=Count("pk", filter=Q(reported_at__isnull=False))
    )
    return {
        "orglife_due": counts["due"],
        "orglife_done": counts["done"],
        "orglife_open_warnings": visible(user, Warning)
        .filter(organization=organization, status__in=UNCLOSED)
        .count(),
    }
