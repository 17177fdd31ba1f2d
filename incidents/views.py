"""Pages of grid incidents (网格事件): the phone report form (offline-safe), the live list
superiors watch, an incident with its history and the moves its people make, the command
centre with drill-down and exports, emergencies with their live board, and a county's types
and states. Every row is reached through ``accounts.scope``; every change goes through
``incidents.domain``."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.roles import home_region
from accounts.scope import get_for_user, scope_for, visible
from core.forms import bind_photos, photos_attached
from core.pages import is_htmx, paginate, serve, xlsx_download
from core.paths import subtree_q
from core.search import search
from incidents import excel
from incidents.domain import catalogue, emergencies, figures, moves, reports
from incidents.forms import (
    AssignForm,
    CentreForm,
    DuplicateForm,
    EmergencyForm,
    FollowUpForm,
    ListFilterForm,
    NoteForm,
    ReportForm,
    ResolveForm,
    StateAddForm,
    StateForm,
    TypeForm,
)
from incidents.models import Emergency, Incident, IncidentEvent, IncidentState, IncidentType
from orgs.models import Grid, Region
from orgs.scope_rules import may_see_counts

LIST_ROWS = Incident.objects.select_related("type", "state", "grid", "region", "emergency")
# The list's search box: by words, over these (and the number) — core.search.
SEARCHED = ["description", "type__name", "grid__name", "region__name", "reporter__display_name"]
LIVE_ROWS = 30  # the live list shows the newest incidents; older ones are paged


def _month(value: str) -> date | None:
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except (ValueError, AttributeError):
        return None


# --- lists ---------------------------------------------------------------------------------


def _filtered(request):
    """The user's incidents narrowed by the list's filters (the command centre's drill-down
    links use the same ones). A node is fetched through the scope: foreign → 404."""
    form = ListFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    rows = visible(request.user, LIST_ROWS)
    region = None
    if data.get("region"):
        region = get_for_user(request.user, Region, data["region"])
        rows = rows.filter(subtree_q("region_path", region.path))
    if data.get("grid"):
        rows = rows.filter(grid=get_for_user(request.user, Grid, data["grid"]))
    if data.get("emergency"):
        rows = rows.filter(emergency=get_for_user(request.user, Emergency, data["emergency"]))
    if data.get("type"):
        rows = rows.filter(type_id=data["type"])
    rows = search(rows, data.get("q"), SEARCHED)
    now = timezone.now()
    status = data.get("status")
    if status == "open":
        rows = rows.filter(figures.OPEN)
    elif status == "overdue":
        rows = rows.filter(figures.OPEN, deadline__lt=now)
    elif status == "fixed":
        rows = rows.filter(figures.FIXED)
    elif status == "closed":
        rows = rows.filter(state__kind=IncidentState.Kind.CLOSED)
    period = None
    if data.get("since") and data.get("until"):
        period = figures.Period(data["since"], data["until"])
        field = "closed_at" if status == "closed" else "reported_at"
        rows = rows.filter(**{f"{field}__gte": period.start, f"{field}__lt": period.end})
    for name, field in (("month", "reported_at"), ("closed_month", "closed_at")):
        month = _month(data.get(name) or "")
        if month:
            span = figures.Period(month, (month + timedelta(days=32)).replace(day=1) - timedelta(1))
            rows = rows.filter(**{f"{field}__gte": span.start, f"{field}__lt": span.end})
    return form, rows, region


@login_required
def incident_list(request):
    """Incidents in the user's scope, newest first; the first page refreshes itself every
    few seconds (htmx polling of ``live``), so a new report appears without a reload."""
    form, rows, region = _filtered(request)
    page = paginate(request, rows)
    scope = scope_for(request.user)
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "region": region,
            "now": timezone.now(),
            "live": page.number == 1,
            "query": request.GET.urlencode(),
            "may_report": bool(scope.grid_ids),
            "is_admin": scope.is_admin,
        },
    )


@login_required
def live(request):
    """The newest rows of the list, as the partial the list page polls."""
    _, rows, _ = _filtered(request)
    return render(
        request,
        "incidents/_rows.html",
        {"incidents": rows[:LIVE_ROWS], "now": timezone.now()},
    )


@login_required
def list_export(request):
    _, rows, region = _filtered(request)
    node = region or home_region(request.user)
    with translation.override("zh-hans"):
        content = excel.incidents_workbook(request.user, node, rows)
    return xlsx_download(content, "incidents")


# --- reporting -----------------------------------------------------------------------------


def _reporting_grids(user):
    grids = visible(user, Grid).filter(pk__in=sorted(scope_for(user).grid_ids))
    if not grids.exists():
        raise Http404  # reporting is a grid worker's work
    return grids.select_related("region", "organization")


@login_required
def report(request):
    """A grid worker reports from a phone. The form works offline (``static/js/offline.js``):
    a report kept on the phone is sent when the network returns, and the key it carries makes
    a repeat find the first report — exactly once, enforced here by the unique key."""
    grids = _reporting_grids(request.user)
    grid = grids.first()
    assert grid is not None
    county = catalogue.county_of(grid.region)
    types = visible(request.user, IncidentType).filter(region=county, active=True)
    open_emergencies = reports.open_emergencies_for(grid)
    form_kwargs = {"types": types, "grids": grids, "emergencies": open_emergencies}
    photos_lost = False
    if request.method == "POST":
        form = bind_photos(ReportForm(request.POST, request.FILES, **form_kwargs), request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident, new = reports.report_incident(
                    request.user,
                    reports.ReportInput(
                        type=data["type"],
                        grid=data["grid"] or grid,
                        description=data["description"],
                        occurred_at=data["occurred_at"],
                        latitude=data["latitude"],
                        longitude=data["longitude"],
                        emergency=data["emergency"],
                        device_time=data["device_time"],
                        client_key=(data["client_key"] or "").strip() or None,
                    ),
                    data["photos"],
                )
            except reports.ReportRefused as refused:
                for name, errors in refused.errors.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                photos_attached(form)
                if new:
                    messages.success(
                        request,
                        gettext("事件已上报，编号 %(number)s，请等待交办。")
                        % {"number": incident.pk},
                    )
                return redirect("incidents:detail", incident.pk)
        photos_lost = bool(request.FILES.getlist("photos"))
    else:
        first_emergency = open_emergencies.first()
        form = ReportForm(
            initial={
                "grid": grid,
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "emergency": first_emergency,
            },
            **form_kwargs,
        )
    return render(
        request,
        "incidents/report.html",
        {"form": form, "photos_lost": photos_lost, "several_grids": grids.count() > 1},
    )


@login_required
def candidates(request):
    """Open incidents of the chosen type in the chosen grid (an htmx partial of the report
    form), so the worker can add to one instead of reporting it again."""
    grids = _reporting_grids(request.user)
    grid_id, type_id = (request.GET.get(name, "") for name in ("grid", "type"))
    grid = (grids.filter(pk=grid_id).first() if grid_id.isdigit() else None) or grids.first()
    incident_type = (
        visible(request.user, IncidentType).filter(pk=type_id).first()
        if type_id.isdigit()
        else None
    )
    found = (
        reports.duplicate_candidates(visible(request.user, Incident), grid, incident_type)
        if incident_type is not None and grid is not None
        else []
    )
    return render(request, "incidents/_candidates.html", {"candidates": found})


# --- one incident --------------------------------------------------------------------------


def _incident(user, pk: int) -> Incident:
    return get_for_user(
        user,
        Incident.objects.select_related(
            "type", "state", "grid", "region", "reporter", "assigned_user", "assigned_unit",
            "emergency", "duplicate_of",
        ),
        pk,
    )  # fmt: skip


def _forms(user, incident: Incident, bound: dict | None = None) -> dict:
    """The form of each move the user may make now (bound to the refused one's input)."""
    actions = moves.available(user, incident)
    bound = bound or {}
    result: dict = {"actions": actions}
    if "assign" in actions:
        result["assign_form"] = bound.get("assign") or AssignForm(
            users=moves.assignable_users(user, incident),
            units=moves.assignable_units(incident),
            initial={"user": incident.assigned_user_id, "unit": incident.assigned_unit_id},
        )
    if "resolve" in actions:
        result["resolve_form"] = bound.get("resolve") or ResolveForm(
            initial={
                "people_evacuated": incident.people_evacuated,
                "hazards_removed": incident.hazards_removed,
            }
        )
    if "duplicate" in actions:
        result["duplicate_form"] = bound.get("duplicate") or DuplicateForm()
    if "set_state" in actions:
        custom = IncidentState.objects.filter(
            region_id=incident.type.region_id, kind=IncidentState.Kind.OPEN
        ).exclude(pk=incident.state_id)
        if custom.exists():
            result["state_form"] = bound.get("set_state") or StateForm(states=custom)
        else:
            result["actions"] = [a for a in actions if a != "set_state"]
    for action in ("progress", "close", "reopen", "invalid"):
        if action in actions:
            result[f"{action}_form"] = bound.get(action) or NoteForm()
    return result


def _detail_context(user, incident: Incident, **extra) -> dict:
    events = (
        IncidentEvent.objects.filter(incident=incident)
        .select_related("actor", "from_state", "to_state")
        .prefetch_related("photos")
    )
    return {
        "incident": incident,
        "events": events,
        "photos": incident.photos.filter(event__action=IncidentEvent.Action.REPORT),
        "now": timezone.now(),
        "follow_up_form": extra.pop("follow_up_form", None) or FollowUpForm(),
        "may_follow_up": incident.closed_at is None,
        **_forms(user, incident, extra.pop("bound", None)),
        **extra,
    }


@login_required
def detail(request, pk: int):
    incident = _incident(request.user, pk)
    return render(request, "incidents/detail.html", _detail_context(request.user, incident))


@login_required
@require_POST
def action(request, pk: int, action: str):
    """One move by the person whose move it is: 404 when the incident is not visible or the
    move unknown, 403 when the move is someone else's, a word when someone was quicker."""
    incident = _incident(request.user, pk)
    if action not in moves.TRANSITIONS:
        raise Http404
    if not moves.may(request.user, incident, action):
        return HttpResponse(gettext("您无权对该事件执行此操作。"), status=403)
    form = _bound_form(request, incident, action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = _apply(request, incident, action, data)
        except moves.MoveRefused as refused:
            for name, errors in refused.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            if done:
                messages.success(request, gettext("已保存。"))
            else:
                messages.error(request, gettext("事件状态已变化，请查看最新情况。"))
            return redirect("incidents:detail", incident.pk)
    context = _detail_context(request.user, incident, bound={action: form}, refused=action)
    return render(request, "incidents/detail.html", context, status=422)


def _bound_form(request, incident: Incident, action: str):
    if action == "assign":
        return AssignForm(
            request.POST,
            users=moves.assignable_users(request.user, incident),
            units=moves.assignable_units(incident),
        )
    if action == "resolve":
        return ResolveForm(request.POST)
    if action == "duplicate":
        return DuplicateForm(request.POST)
    if action == "set_state":
        custom = IncidentState.objects.filter(
            region_id=incident.type.region_id, kind=IncidentState.Kind.OPEN
        )
        return StateForm(request.POST, states=custom)
    return NoteForm(request.POST)


def _apply(request, incident: Incident, action: str, data: dict) -> bool:
    user, note = request.user, data.get("note", "")
    if action == "assign":
        to = moves.Assignee(user=data.get("user"), unit=data.get("unit"))
        return moves.assign(user, incident, to, note)
    if action == "progress":
        return moves.record_progress(user, incident, note)
    if action == "resolve":
        return moves.resolve(
            user, incident, note, data["people_evacuated"], data["hazards_removed"]
        )
    if action == "close":
        return moves.close(user, incident, note)
    if action == "reopen":
        return moves.reopen(user, incident, note)
    if action == "invalid":
        return moves.mark_invalid(user, incident, note)
    if action == "duplicate":
        original = visible(user, Incident).filter(pk=data["original"]).first()
        if original is None:
            raise moves.MoveRefused({"original": [gettext("未找到该事件，或您无权访问。")]})
        return moves.mark_duplicate(user, incident, original, note)
    return moves.set_state(user, incident, data["state"], note)


@login_required
@require_POST
def follow_up(request, pk: int):
    """A note and photos added to an open incident (instead of a second report)."""
    incident = _incident(request.user, pk)
    form = bind_photos(FollowUpForm(request.POST, request.FILES), request.user)
    if form.is_valid():
        try:
            reports.add_follow_up(
                request.user, incident, form.cleaned_data["note"], form.cleaned_data["photos"]
            )
        except reports.ReportRefused as refused:
            form.add_error("note", refused.errors.get("note", [str(refused)])[0])
        else:
            photos_attached(form)
            messages.success(request, gettext("补充情况已保存。"))
            return redirect("incidents:detail", incident.pk)
    context = _detail_context(request.user, incident, follow_up_form=form)
    return render(request, "incidents/detail.html", context, status=422)


@login_required
def photo(request, pk: int, photo_id: int):
    incident = _incident(request.user, pk)
    row = incident.photos.filter(pk=photo_id).first()
    if row is None:
        raise Http404
    return serve(row.thumbnail if request.GET.get("thumb") else row.image)


# --- the command centre --------------------------------------------------------------------


def _centre(request):
    form = CentreForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise Http404
    data = form.cleaned_data if form.is_bound else {}
    node = (
        get_for_user(request.user, Region, data["region"])
        if data.get("region")
        else home_region(request.user)
    )
    if not may_see_counts(request.user, node):
        raise Http404
    today = timezone.localdate()
    until = data.get("until") or today
    since = data.get("since") or (until.replace(day=1) - timedelta(days=150)).replace(day=1)
    if since > until:
        since, until = until, since
    return form, node, figures.Period(since, until)


@login_required
def centre(request):
    """Incidents at any node: by child node (open / over the limit / awaiting verification /
    reported and closed in the period), by type, by month, and the open over-limit list;
    every number links to the incidents behind it."""
    form, node, period = _centre(request)
    rows = visible(request.user, Incident)
    now = timezone.now()
    months = figures.by_month(rows, node, period)
    children = figures.by_child(rows, node, period, now)
    types = figures.by_type(rows, node, period, now)
    for row in children + types:
        row.filter = row.query(node)  # type: ignore[attr-defined]
    peak = max([max(r, c) for _, r, c in months] + [1])
    return render(
        request,
        "incidents/centre.html",
        {
            "form": form,
            "region": node,
            "ancestors": visible(request.user, node.ancestors()),
            "period": period,
            "total": figures.total(rows, node, period, now),
            "children": children,
            "types": types,
            "months": months,
            "chart": month_chart(months, peak),
            "overdue": figures.overdue(rows, node, now)[:50],
            "now": now,
            "span": f"since={period.since:%Y-%m-%d}&until={period.until:%Y-%m-%d}",
        },
    )


CHART_HEIGHT = 100


def month_chart(months, peak: int) -> dict:
    """Bars of a small inline SVG: reported and closed per month."""
    bars, labels = [], []
    for index, (month, reported, closed) in enumerate(months):
        x = 30 + index * 40
        labels.append((x + 12, f"{month:%m}"))
        for offset, value, kind in ((0, reported, "r"), (13, closed, "c")):
            height = round(value / peak * CHART_HEIGHT)
            bars.append(
                {"x": x + offset, "y": 10 + CHART_HEIGHT - height, "height": height,
                 "kind": kind, "title": f"{month:%Y-%m} {value}"}
            )  # fmt: skip
    return {"bars": bars, "labels": labels, "width": 40 + len(months) * 40}


@login_required
def centre_export(request, table: str):
    _, node, period = _centre(request)
    rows = visible(request.user, Incident)
    now = timezone.now()
    with translation.override("zh-hans"):
        if table == "children":
            content = excel.counts_workbook(
                request.user, node, period, "下级", figures.by_child(rows, node, period, now)
            )
        elif table == "types":
            content = excel.counts_workbook(
                request.user, node, period, "类型", figures.by_type(rows, node, period, now)
            )
        elif table == "months":
            content = excel.months_workbook(
                request.user, node, figures.by_month(rows, node, period)
            )
        elif table == "overdue":
            content = excel.incidents_workbook(request.user, node, figures.overdue(rows, node, now))
        else:
            raise Http404
    return xlsx_download(content, f"incidents-{table}")


# --- emergencies ---------------------------------------------------------------------------


def _emergency_regions(user):
    """Nodes a user may open an emergency for: the regions they administer, and below."""
    return visible(user, Region, write=True).exclude(level=Region.Level.VILLAGE)


@login_required
def emergency_list(request):
    scope = scope_for(request.user)
    rows = visible(request.user, Emergency).select_related("region")
    form = None
    if scope.is_admin:
        form = EmergencyForm(request.POST or None, regions=_emergency_regions(request.user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                emergency = emergencies.open_emergency(
                    request.user, data["region"], data["name"], data["description"]
                )
            except emergencies.EmergencyRefused as refused:
                form.add_error("name", str(refused))
            else:
                messages.success(request, gettext("应急已启动。"))
                return redirect("incidents:emergency", emergency.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request, "incidents/emergencies.html", {"page": paginate(request, rows), "form": form}
    )


@login_required
def emergency_detail(request, pk: int):
    """The live board: counters that refresh every few seconds while it is open."""
    emergency = get_for_user(request.user, Emergency.objects.select_related("region"), pk)
    context = {
        "emergency": emergency,
        "counters": emergencies.counters(emergency),
        "recent": visible(request.user, LIST_ROWS).filter(emergency=emergency)[:20],
        "may_close": emergency.is_open
        and visible(request.user, Emergency, write=True).filter(pk=emergency.pk).exists(),
        "now": timezone.now(),
    }
    template = "incidents/_board.html" if is_htmx(request) else "incidents/emergency.html"
    return render(request, template, context)


@login_required
@require_POST
def emergency_close(request, pk: int):
    emergency = get_for_user(request.user, Emergency, pk, write=True)
    if emergencies.close_emergency(request.user, emergency):
        messages.success(request, gettext("应急已结束。"))
    return redirect("incidents:emergency", emergency.pk)


# --- a county's types and states -----------------------------------------------------------


@login_required
def catalogue_page(request):
    """A county admin's types (with their time limits) and the county's own states."""
    county = catalogue.county_of(home_region(request.user))
    if county is None:
        raise Http404
    county = get_for_user(request.user, Region, county.pk)
    writable = visible(request.user, Region, write=True).filter(pk=county.pk).exists()
    if request.method == "POST" and not writable:
        raise Http404
    type_form, state_form = TypeForm(prefix="t"), StateAddForm(prefix="s")
    if request.method == "POST":
        kind = request.POST.get("form")
        try:
            if kind == "install":
                catalogue.install_defaults(request.user, county)
                return redirect("incidents:catalogue")
            if kind == "state":
                state_form = StateAddForm(request.POST, prefix="s")
                if state_form.is_valid():
                    d = state_form.cleaned_data
                    catalogue.add_state(request.user, county, d["code"], d["label"])
                    return redirect("incidents:catalogue")
            else:
                type_form = TypeForm(request.POST, prefix="t")
                if type_form.is_valid():
                    d = type_form.cleaned_data
                    data = catalogue.TypeInput(
                        d["code"] or "", d["name"], d["time_limit_hours"], d["active"]
                    )
                    changing = request.POST.get("type")
                    if changing:
                        row = get_for_user(request.user, IncidentType, changing, write=True)
                        catalogue.change_type(request.user, row, data)
                    else:
                        catalogue.add_type(request.user, county, data)
                    return redirect("incidents:catalogue")
        except catalogue.CatalogueRefused as refused:
            target = state_form if kind == "state" else type_form
            for name, errors in refused.errors.items():
                for error in errors:
                    target.add_error(name if name in target.fields else None, error)
    return render(
        request,
        "incidents/catalogue.html",
        {
            "county": county,
            "writable": writable,
            "types": visible(request.user, IncidentType).filter(region=county),
            "states": catalogue.states_for(county),
            "type_form": type_form,
            "state_form": state_form,
        },
    )


# --- what the role homes show --------------------------------------------------------------


def admin_summary(user, region: Region) -> dict:
    """Open incidents in an admin's region, and how many are over their time limit."""
    rows = visible(user, Incident).filter(subtree_q("region_path", region.path), figures.OPEN)
    return {
        "incidents_open": rows.count(),
        "incidents_overdue": rows.filter(deadline__lt=timezone.now()).count(),
    }


def grid_worker_summary(user) -> dict:
    """A grid worker's open incidents: those of their grid and those assigned to them."""
    scope = scope_for(user)
    rows = visible(user, LIST_ROWS).filter(
        Q(grid_id__in=sorted(scope.grid_ids)) | Q(assigned_user_id=user.pk),
        closed_at__isnull=True,
    )
    return {
        "incidents_mine": rows[:10],
        "incidents_mine_count": rows.count(),
        "now": timezone.now(),
    }
