"""Pages of the services capability (党群服务): the command centre for requests and its
drill-down, residents' requests (order, dispatch, accept, rate), the catalogue and its Excel
import, the service centres, the micro-wishes board and dual registration. Every row is
reached through ``accounts.scope``; every change goes through ``services.domain``."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Q, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.roles import home_region
from accounts.scope import can_write, get_for_user, scope_for, visible
from core.excel import EXCEL_LANGUAGE
from core.forms import apply_refusal, bind_photos, photos_attached
from core.pages import paginate, serve, xlsx_download
from core.paths import ancestor_paths, subtree_q
from core.search import search
from core.search import words as search_words
from orgs.models import Household, Member, Region, Unit
from orgs.scope_rules import may_see_counts
from services import excel
from services.domain import catalogue, figures, requests, wishes
from services.forms import (
    HOUSEHOLD_SEARCHED,
    ITEM_SEARCHED,
    SEARCH_LIMIT,
    CentreForm,
    DispatchForm,
    FinishForm,
    FulfilForm,
    ItemFilterForm,
    ItemForm,
    NoteForm,
    RateForm,
    RequestFilterForm,
    RequestForm,
    RouteForm,
    WindowFormSet,
    WishForm,
    region_choices,
    window_initial,
)
from services.models import (
    OPEN_REQUEST_STATES,
    CommunityRegistration,
    RequestPhoto,
    RequestStatus,
    RoutingRule,
    ServiceCategory,
    ServiceCentre,
    ServiceItem,
    ServiceRequest,
    Wish,
    WishPhoto,
    WishStatus,
)

# --- helpers -----------------------------------------------------------------------------


def _region_param(request) -> Region | None:
    pk = request.GET.get("region")
    return get_for_user(request.user, Region, pk) if pk else None


def _node(request) -> Region:
    """The node a figures page is about: asked for, or the user's home; admins and branch
    accounts over their own subtree only."""
    node = _region_param(request) or home_region(request.user)
    if not may_see_counts(request.user, node):
        raise Http404
    return node


def _period(year: int | None) -> tuple[datetime, datetime, str]:
    """A calendar year in Shanghai time, or the last twelve months."""
    now = timezone.localtime()
    if year:
        start = now.replace(year=year, month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return start, start.replace(year=year + 1), str(year)
    return now - timedelta(days=365), now + timedelta(seconds=1), gettext("最近 12 个月")


def _year(request) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


def _county_for(user) -> Region:
    county = catalogue.county_of(home_region(user))
    if county is None:
        raise Http404
    return county


def _is_county_admin(user, county: Region) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or any(county.path.startswith(p) for p in scope.admin_paths)


CENTRE_LEVELS = (Region.Level.COUNTY, Region.Level.TOWNSHIP, Region.Level.VILLAGE)


def _admin_node(request) -> Region:
    """The place an admin's page works at: ``?region=`` or their home, in their write
    scope; everyone else gets 404."""
    if not scope_for(request.user).is_admin:
        raise Http404
    pk = request.GET.get("region") or home_region(request.user).pk
    return get_for_user(request.user, Region, pk, write=True)


def _places(regions, node: Region) -> list[Region]:
    """The places below ``node`` (itself included) a centre or a rule may be set at: the
    whole subtree from a county down; above a county, its counties only (a province has
    tens of thousands of villages — open a county to reach them)."""
    rows = regions.filter(subtree_q("path", node.path))
    if node.level not in CENTRE_LEVELS:
        rows = rows.filter(Q(pk=node.pk) | Q(level=Region.Level.COUNTY))
    else:
        rows = rows.filter(level__in=CENTRE_LEVELS)
    return list(rows.order_by("path"))


# --- the command centre ------------------------------------------------------------------


@login_required
def centre(request):
    """Requests at any node: by state, quick-completion rate, on-time share, average
    rating; per child node and per handling unit, each number a link to its requests."""
    node = _node(request)
    year = _year(request)
    start, end, label = _period(year)
    rows = visible(request.user, ServiceRequest)
    total, children = figures.node_figures(rows, node, start, end)
    in_node = figures.in_period(rows.filter(subtree_q("region_path", node.path)), start, end)
    units = figures.unit_figures(in_node)
    open_overdue = rows.filter(subtree_q("region_path", node.path)).filter(
        figures.overdue_q(timezone.now())
    )
    return render(
        request,
        "services/centre.html",
        {
            "region": node,
            "ancestors": [a for a in node.ancestors() if may_see_counts(request.user, a)],
            "year": year or "",
            "period_label": label,
            "f": total,
            "children": children,
            "units": units,
            "open_overdue": open_overdue.count(),
            "statuses": RequestStatus.choices,
            "max_children_total": max([c.figures.total for c in children] or [0]),
        },
    )


@login_required
def centre_export(request, table: str):
    node = _node(request)
    start, end, _label = _period(_year(request))
    rows = visible(request.user, ServiceRequest)
    with translation.override(EXCEL_LANGUAGE):
        if table == "children":
            total, children = figures.node_figures(rows, node, start, end)
            content = excel.export_children(request.user, node, total, children)
        elif table == "units":
            in_node = figures.in_period(
                rows.filter(subtree_q("region_path", node.path)), start, end
            )
            content = excel.export_units(request.user, node, figures.unit_figures(in_node))
        else:
            raise Http404
    return xlsx_download(content, f"services-{table}")


# --- requests ----------------------------------------------------------------------------


# The list's search box: by words, over these (and the number) — core.search.
REQUEST_SEARCHED = ["title", "description", "item__name", "household__head_name", "region__name"]


def _filtered_requests(request):
    rows = visible(request.user, ServiceRequest)
    form = RequestFilterForm(request.GET)
    region = _region_param(request)
    if region is not None:
        rows = rows.filter(subtree_q("region_path", region.path))
    if form.is_valid():
        data = form.cleaned_data
        rows = search(rows, data["q"], REQUEST_SEARCHED)
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["flag"]:
            rows = rows.filter(figures.flag_q(data["flag"]))
        if data["year"] or request.GET.get("period") == "12m":
            start, end, _label = _period(data["year"])
            rows = figures.in_period(rows, start, end)
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        rows = rows.filter(unit_id=int(unit))
    return rows, form, region


@login_required
def request_list(request):
    """The requests the user may see — a resident's own, a unit's queue, a village's or a
    subtree's — filtered by state and by the command centre's flags."""
    rows, form, region = _filtered_requests(request)
    page = paginate(
        request,
        rows.select_related("item", "region", "unit").order_by("-submitted_at", "-id"),
    )
    return render(
        request,
        "services/request_list.html",
        {
            "page": page,
            "form": form,
            "region": region,
            "now": timezone.now(),
            "can_submit": _may_submit(request.user),
        },
    )


@login_required
def request_export(request):
    rows, _form, region = _filtered_requests(request)
    path = region.path if region is not None else home_region(request.user).path
    with translation.override(EXCEL_LANGUAGE):
        content = excel.export_requests(
            request.user, path, rows.order_by("-submitted_at"), timezone.now()
        )
    return xlsx_download(content, "services-requests")


def _submission_context(user):
    """Whom the user submits for: their own household (a resident), or the households they
    may submit for as a proxy (代办). Roles that do neither get 404."""
    scope = scope_for(user)
    own = None
    if scope.household_ids:
        own = (
            visible(user, Household)
            .filter(pk__in=sorted(scope.household_ids))
            .order_by("pk")
            .first()
        )
    proxied = None
    if scope.is_admin or scope.branch_org_paths or scope.grid_ids:
        managed = (
            visible(user, Household, write=True) if not scope.grid_ids else visible(user, Household)
        )
        if scope.grid_ids and not (scope.is_admin or scope.branch_org_paths):
            managed = managed.filter(grid_id__in=sorted(scope.grid_ids))
        proxied = managed.order_by("code")
    if own is None and proxied is None:
        raise Http404
    return own, proxied


def _may_submit(user) -> bool:
    """Whether 我要办事 works for the user (a resident, or a proxy for households): the
    button is shown only then."""
    try:
        _submission_context(user)
    except Http404:
        return False
    return True


def _catalogue_items(user, county: Region | None = None):
    rows = visible(user, ServiceItem)
    if county is not None:
        rows = rows.filter(region=county)
    return list(
        rows.filter(active=True).select_related("category").order_by("category__position", "code")
    )


@login_required
def request_new(request):
    """我要办事: a resident's request from a phone (offline-safe: the form is queued when the
    network fails and resent once), or a proxy's for a resident without a phone."""
    own, proxied = _submission_context(request.user)
    items = _catalogue_items(request.user)
    if request.method == "POST":
        form = RequestForm(
            request.POST,
            request.FILES,
            items=items,
            households=proxied if own is None else None,
            own_household=own,
        )
        bind_photos(form, request.user)
        if form.is_valid():
            try:
                created = requests.submit_request(request.user, form.request_input())
            except requests.RequestRefused as error:
                apply_refusal(form, error)
            else:
                photos_attached(form)
                messages.success(request, gettext("诉求已提交，村（社区）将尽快派单办理。"))
                return redirect("services:request", created.pk)
    else:
        form = RequestForm(
            items=items, households=proxied if own is None else None, own_household=own
        )
        # ?item= from the catalogue; the rest when the page's 查找 buttons were used without
        # JavaScript (a GET of the whole form): what was typed comes back as typed.
        for name in ("item", "household", "title", "description", "address"):
            if request.GET.get(name):
                form.initial[name] = request.GET[name][:4000]
    item_q = request.GET.get("item_q", "") if request.method == "GET" else ""
    household_q = request.GET.get("household_q", "") if request.method == "GET" else ""
    return render(
        request,
        "services/request_form.html",
        {
            "form": form,
            "own": own,
            "photos_lost": request.method == "POST" and bool(request.FILES.getlist("photos")),
            "item_q": item_q,
            "household_q": household_q,
            **_item_choices(request.user, item_q, form.chosen_item()),
            **(
                _household_choices(proxied, household_q, form.chosen_household())
                if own is None and proxied is not None
                else {}
            ),
        },
    )


def _item_choices(user, text: str, chosen) -> dict:
    """The services matching ``text`` (name, category, code), the chosen one first."""
    found = []
    if search_words(text):
        rows = visible(user, ServiceItem).filter(active=True).select_related("category")
        found = list(search(rows, text, ITEM_SEARCHED, number=None).order_by("code")[:SEARCH_LIMIT])
    if chosen is not None:
        found = [chosen, *[i for i in found if i.pk != chosen.pk]]
    return {"found_items": found, "chosen_item": chosen, "item_q": text}


def _household_choices(households, text: str, chosen) -> dict:
    """The households a proxy may order for that match ``text``, the chosen one first; with
    no search, all of them when they are few (a small grid), none otherwise."""
    rows = search(households, text, HOUSEHOLD_SEARCHED, number=None).select_related("grid")
    found = list(rows.order_by("head_name", "code")[: SEARCH_LIMIT + 1])
    if not search_words(text) and len(found) > SEARCH_LIMIT:
        found = []
    found = found[:SEARCH_LIMIT]
    if chosen is not None:
        found = [chosen, *[h for h in found if h.pk != chosen.pk]]
    return {"found_households": found, "chosen_household": chosen, "household_q": text}


@login_required
def item_search(request):
    """The request form's type-ahead for services (htmx): the matching items as choices."""
    _submission_context(request.user)  # who may not order gets 404
    chosen = request.GET.get("item", "")
    item = None
    if chosen.isdigit() and len(chosen) < 19:
        item = visible(request.user, ServiceItem).filter(pk=int(chosen), active=True).first()
    context = _item_choices(request.user, request.GET.get("item_q", ""), item)
    return render(request, "services/_item_choices.html", context)


@login_required
def household_search(request):
    """The proxy order's type-ahead for households (htmx): by head, code or address."""
    _own, proxied = _submission_context(request.user)
    if proxied is None:
        raise Http404
    chosen = request.GET.get("household", "")
    household = None
    if chosen.isdigit() and len(chosen) < 19:
        household = proxied.filter(pk=int(chosen)).first()
    context = _household_choices(proxied, request.GET.get("household_q", ""), household)
    return render(request, "services/_household_choices.html", context)


@login_required
def request_detail(request, pk: int):
    """One request with its history and the moves the viewer may make now."""
    obj = get_for_user(
        request.user,
        ServiceRequest.objects.select_related("item", "region", "unit", "household", "proxy_by"),
        pk,
    )
    return render(request, "services/request_detail.html", _detail_context(request.user, obj))


def _detail_context(user, obj: ServiceRequest, **forms) -> dict:
    can = dict.fromkeys(requests.available(user, obj), True)  # the template asks can.<move>
    context = {
        "obj": obj,
        "events": obj.events.select_related("actor", "unit"),
        "photos": obj.photos.all(),
        "can": can,
        "overdue": requests.is_overdue(obj),
    }
    if "dispatch" in can:
        proposed = requests.proposed_unit(obj)
        context["dispatch_form"] = forms.get("dispatch") or DispatchForm(
            units=requests.units_for(obj), proposed=proposed
        )
        context["proposed"] = proposed
    context["note_form"] = forms.get("note") or NoteForm()
    context["finish_form"] = forms.get("finish") or FinishForm()
    context["rate_form"] = forms.get("rate") or RateForm()
    context["error_action"] = forms.get("action", "")
    return context


ACTIONS = ("dispatch", "reject", "accept", "send_back", "finish", "rate", "reopen")


@login_required
@require_POST
def request_action(request, pk: int, action: str):
    """One move of the request's state machine; a refusal re-renders the page with the
    message beside the field and what was typed kept."""
    if action not in ACTIONS:
        raise Http404
    obj = get_for_user(
        request.user,
        ServiceRequest.objects.select_related("item", "region", "unit", "household"),
        pk,
        write=True,
    )
    note = NoteForm(request.POST)
    note.is_valid()
    text = note.cleaned_data.get("note", "") if note.is_valid() else ""
    forms: dict = {"action": action, "note": note}
    try:
        if action == "dispatch":
            form = DispatchForm(request.POST, units=requests.units_for(obj), proposed=None)
            forms["dispatch"] = form
            if not form.is_valid():
                raise requests.RequestRefused({})
            requests.dispatch(
                request.user, obj, form.cleaned_data["unit"], form.cleaned_data["note"]
            )
        elif action == "reject":
            requests.reject(request.user, obj, text)
        elif action == "accept":
            requests.accept(request.user, obj, text)
        elif action == "send_back":
            requests.send_back(request.user, obj, text)
        elif action == "finish":
            form = bind_photos(FinishForm(request.POST, request.FILES), request.user)
            forms["finish"] = form
            if not form.is_valid():
                raise requests.RequestRefused({})
            requests.finish(
                request.user, obj, form.cleaned_data["note"], form.cleaned_data["photos"]
            )
            photos_attached(form)
        elif action == "rate":
            form = RateForm(request.POST)
            forms["rate"] = form
            if not form.is_valid():
                raise requests.RequestRefused({})
            requests.rate(
                request.user, obj, form.cleaned_data["rating"], form.cleaned_data["comment"]
            )
        elif action == "reopen":
            requests.reopen(request.user, obj, text)
    except requests.RequestRefused as error:
        target = forms.get(action if action in ("dispatch", "finish", "rate") else "note")
        if target is not None:
            apply_refusal(target, error)
        obj.refresh_from_db()
        context = _detail_context(request.user, obj, **forms)
        context["refusal"] = [m for ms in error.errors.values() for m in ms]
        return render(request, "services/request_detail.html", context, status=200)
    messages.success(request, gettext("已保存。"))
    if action == "send_back":  # the unit no longer holds it
        return redirect("services:requests")
    return redirect("services:request", obj.pk)


@login_required
def request_photo(request, pk: int, photo_id: int):
    obj = get_for_user(request.user, ServiceRequest, pk)
    photo = RequestPhoto.objects.filter(request=obj, pk=photo_id).first()
    if photo is None:
        raise Http404
    return serve(photo.thumbnail if request.GET.get("thumb") else photo.image)


# --- the catalogue and the centres -------------------------------------------------------


@login_required
def catalogue_page(request):
    """The county's catalogue: categories → items, searchable; public to everyone placed in
    the county."""
    county = _county_for(request.user)
    items = (
        visible(request.user, ServiceItem)
        .filter(region=county, active=True)
        .select_related("category")
    )
    form = ItemFilterForm(request.GET)
    if form.is_valid():
        if form.cleaned_data["q"]:
            items = items.filter(name__contains=form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            items = items.filter(kind=form.cleaned_data["kind"])
    groups: dict = {}
    for item in items.order_by("category__position", "code"):
        groups.setdefault(item.category, []).append(item)
    counts = {
        kind: visible(request.user, ServiceItem)
        .filter(region=county, active=True, kind=kind)
        .count()
        for kind in ServiceItem.Kind.values
    }
    return render(
        request,
        "services/catalogue.html",
        {
            "county": county,
            "groups": groups,
            "form": form,
            "counts": counts,
            "is_admin": _is_county_admin(request.user, county),
            "may_see_routing": scope_for(request.user).is_admin
            or bool(scope_for(request.user).branch_region_paths),
        },
    )


@login_required
def item_detail(request, pk: int):
    item = get_for_user(request.user, ServiceItem.objects.select_related("category"), pk)
    can_submit = _may_submit(request.user)
    return render(
        request,
        "services/item_detail.html",
        {"item": item, "can_submit": can_submit, "may_edit": can_write(request.user, item)},
    )


@login_required
def catalogue_template(request):
    county = _county_for(request.user)
    if not _is_county_admin(request.user, county):
        raise Http404
    with translation.override(EXCEL_LANGUAGE):
        return xlsx_download(excel.catalogue_template(), "catalogue-template")


@login_required
def catalogue_export(request):
    county = _county_for(request.user)
    items = visible(request.user, ServiceItem).filter(region=county)
    with translation.override(EXCEL_LANGUAGE):
        return xlsx_download(excel.export_catalogue(request.user, county, items), "catalogue")


@login_required
def catalogue_import(request):
    """The county admin imports the catalogue from Excel: all rows or none."""
    county = _county_for(request.user)
    if not _is_county_admin(request.user, county):
        raise Http404
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, gettext("请选择要导入的 Excel 文件。"))
        else:
            with translation.override(EXCEL_LANGUAGE):
                result = excel.import_catalogue(request.user, county, upload.read())
    return render(request, "services/catalogue_import.html", {"county": county, "result": result})


@login_required
def centre_list(request):
    """Service centres: the user's own village, township and county centre, or every
    centre below an admin, with their windows and opening hours."""
    rows = visible(request.user, ServiceCentre).select_related("region")
    region = _region_param(request)
    if region is not None:
        rows = rows.filter(subtree_q("region_path", region.path))
    level = request.GET.get("level", "")
    if level:
        rows = rows.filter(level=level)
    page = paginate(request, rows.order_by("region_path", "code"))
    return render(
        request,
        "services/centre_list.html",
        {
            "page": page,
            "region": region,
            "level": level,
            "may_add": scope_for(request.user).is_admin,
        },
    )


@login_required
def service_centre(request, pk: int):
    obj = get_for_user(request.user, ServiceCentre.objects.select_related("region"), pk)
    return render(
        request,
        "services/service_centre.html",
        {
            "obj": obj,
            "windows": obj.windows.all(),
            "proxy_items": obj.proxy_items.select_related("category").order_by(
                "category__position", "code"
            ),
            "may_edit": can_write(request.user, obj),
        },
    )


def _proxy_choices(user, county: Region | None, chosen=()) -> list[ServiceItem]:
    """The county's active items (and any inactive one the centre already has, so saving
    never drops it unseen), by category."""
    if county is None:
        return []
    return list(
        visible(user, ServiceItem)
        .filter(region=county)
        .filter(Q(active=True) | Q(pk__in=list(chosen)))
        .select_related("category")
        .order_by("category__position", "code")
    )


def _centre_page(request, form, windows, title: str, region: Region | None):
    return render(
        request,
        "services/centre_form.html",
        {"form": form, "windows": windows, "title": title, "region": region},
    )


@login_required
def centre_new(request):
    """An admin adds a service centre at a county, township or village of their scope
    (``?region=``: where to start choosing), with its windows and proxy services."""
    node = _admin_node(request)
    regions = _places(visible(request.user, Region, write=True), node)
    items = _proxy_choices(request.user, catalogue.county_of(node))
    options = {"regions": regions, "top_depth": node.level_depth, "items": items}
    if request.method == "POST":
        form = CentreForm(request.POST, **options)
        windows = WindowFormSet(request.POST, prefix="windows")
        if form.is_valid() and windows.is_valid():
            try:
                created = catalogue.add_centre(
                    request.user, form.cleaned_data["region"], form.centre_input(windows)
                )
            except catalogue.CatalogueRefused as refused:
                apply_refusal(form, refused)
            else:
                messages.success(request, gettext("已新增服务中心 %(name)s。") % {"name": created})
                return redirect("services:service_centre", created.pk)
    else:
        form = CentreForm(initial={"region": node.pk, "desk_count": 1}, **options)
        windows = WindowFormSet(prefix="windows")
    return _centre_page(request, form, windows, gettext("新增服务中心"), node)


@login_required
def centre_edit(request, pk: int):
    """An admin over the centre changes its facts, windows and proxy services."""
    obj = get_for_user(request.user, ServiceCentre.objects.select_related("region"), pk, write=True)
    chosen = list(obj.proxy_items.values_list("pk", flat=True))
    items = _proxy_choices(request.user, catalogue.county_of(obj.region), chosen)
    if request.method == "POST":
        form = CentreForm(request.POST, items=items)
        windows = WindowFormSet(request.POST, prefix="windows")
        if form.is_valid() and windows.is_valid():
            try:
                catalogue.change_centre(request.user, obj, form.centre_input(windows))
            except catalogue.CatalogueRefused as refused:
                apply_refusal(form, refused)
            else:
                messages.success(request, gettext("已保存。"))
                return redirect("services:service_centre", obj.pk)
    else:
        initial = {name: getattr(obj, name) for name in catalogue.CENTRE_FIELDS}
        form = CentreForm(initial={**initial, "proxy_items": chosen}, items=items)
        windows = WindowFormSet(prefix="windows", initial=window_initial(obj))
    title = gettext("编辑服务中心：%(name)s") % {"name": obj.name}
    return _centre_page(request, form, windows, title, obj.region)


# --- the routing table -------------------------------------------------------------------


@login_required
def routing(request):
    """派单路由: the rules at and below a place (admins and branch accounts over it read
    them); admins set a rule (place × item → unit) and remove one."""
    node = _node(request)
    scope = scope_for(request.user)
    # The rules at and below the place, and those set above it that reach it.
    rows = (
        visible(request.user, RoutingRule)
        .filter(subtree_q("region_path", node.path) | Q(region_path__in=ancestor_paths(node.path)))
        .select_related("region", "item", "unit")
        .order_by("region_path", "item__code")
    )
    county = catalogue.county_of(node) if node.level in CENTRE_LEVELS else None
    may_write = county is not None and (
        scope.is_superuser or any(node.path.startswith(p) for p in scope.admin_paths)
    )
    if request.method == "POST" and not may_write:
        raise Http404
    form = None
    if may_write:
        assert county is not None
        options = {
            "regions": _places(visible(request.user, Region, write=True), node),
            "top_depth": node.level_depth,
            "items": _catalogue_items(request.user, county),
            "units": list(
                visible(request.user, Unit)
                .filter(subtree_q("region_path", county.path))
                .order_by("region_path", "name")
            ),
        }
        if request.method == "POST":
            form = RouteForm(request.POST, **options)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    catalogue.set_route(request.user, data["region"], data["item"], data["unit"])
                except catalogue.CatalogueRefused as refused:
                    apply_refusal(form, refused)
                else:
                    messages.success(request, gettext("已设置派单路由。"))
                    return redirect(f"{reverse('services:routing')}?region={node.pk}")
        else:
            form = RouteForm(initial={"region": node.pk}, **options)
    home = home_region(request.user)
    places = []
    if may_see_counts(request.user, home):
        places = _places(visible(request.user, Region), home)
    page = paginate(request, rows)
    # Which of the page's rules the user may remove: the scope's write rule, in one query.
    removable = (
        set(
            visible(request.user, RoutingRule, write=True)
            .filter(pk__in=[rule.pk for rule in page])
            .values_list("pk", flat=True)
        )
        if may_write
        else set()
    )
    for rule in page:
        rule.from_above = rule.region_path != node.path and node.path.startswith(rule.region_path)
        rule.removable = rule.pk in removable
    return render(
        request,
        "services/routing.html",
        {
            "region": node,
            "page": page,
            "form": form,
            "places": region_choices(places, home.level_depth),
            "may_write": may_write,
            "needs_county": county is None and scope.is_admin,
        },
    )


@login_required
@require_POST
def route_remove(request, pk: int):
    rule = get_for_user(
        request.user, RoutingRule.objects.select_related("region", "item", "unit"), pk, write=True
    )
    back = request.POST.get("region", "")
    catalogue.remove_route(request.user, rule)
    messages.success(request, gettext("已删除该派单路由。"))
    return redirect(
        f"{reverse('services:routing')}?region={back if back.isdigit() else rule.region_id}"
    )


@login_required
def item_edit(request, pk: int):
    """The county admin changes one catalogue item (through ``save_item``, audited with what
    changed); the code stays."""
    item = get_for_user(
        request.user, ServiceItem.objects.select_related("region", "category"), pk, write=True
    )
    categories = list(
        visible(request.user, ServiceCategory)
        .filter(region_id=item.region_id)
        .order_by("position", "code")
    )
    fields = ("name", "kind", "handling_level", "time_limit_days", "materials", "description")
    if request.method == "POST":
        form = ItemForm(request.POST, categories=categories, initial={"code": item.code})
        if form.is_valid():
            try:
                catalogue.save_item(request.user, item.region, form.item_input(item.code))
            except catalogue.CatalogueRefused as refused:
                apply_refusal(form, refused)
            else:
                messages.success(request, gettext("已保存。"))
                return redirect("services:item", item.pk)
    else:
        initial = {name: getattr(item, name) for name in fields}
        form = ItemForm(
            categories=categories,
            initial={
                **initial,
                "code": item.code,
                "category": item.category_id,
                "active": item.active,
            },
        )
    title = gettext("编辑服务事项：%(name)s") % {"name": item.name}
    return render(request, "orgs/edit_form.html", {"form": form, "title": title})


# --- micro-wishes ------------------------------------------------------------------------


@login_required
def wish_board(request):
    """微心愿: the community's board for those who live or serve there (residents, members,
    registered in-service members, units), every village's below an admin."""
    rows = visible(request.user, Wish).select_related("region")
    region = _region_param(request)
    if region is not None:
        rows = rows.filter(subtree_q("region_path", region.path))
    status = request.GET.get("status", "")
    if status in WishStatus.values:
        rows = rows.filter(status=status)
    scope = scope_for(request.user)
    page = paginate(request, rows.order_by("status", "-posted_at", "-id"))
    return render(
        request,
        "services/wish_board.html",
        {
            "page": page,
            "status": status,
            "statuses": WishStatus.choices,
            "region": region,
            "can_post": bool(scope.household_ids),
        },
    )


@login_required
def wish_new(request):
    """A resident posts a wish for their own household (offline-safe like requests)."""
    own, _proxied = _submission_context(request.user)
    if own is None:
        raise Http404
    form = WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wish = wishes.post_wish(request.user, form.wish_input(own))
        except wishes.WishRefused as error:
            apply_refusal(form, error)
        else:
            messages.success(request, gettext("心愿已发布到本村（社区）心愿墙。"))
            return redirect("services:wish", wish.pk)
    return render(request, "services/wish_form.html", {"form": form, "own": own})


@login_required
def wish_detail(request, pk: int, form=None, refusal=None):
    obj = get_for_user(request.user, Wish.objects.select_related("region", "claimant_unit"), pk)
    scope = scope_for(request.user)
    own = obj.household_id in scope.household_ids or obj.posted_by_id == request.user.pk
    can = {
        "claim": obj.status == WishStatus.POSTED
        and wishes.claimant_for(request.user, obj) is not None,
        "fulfil": obj.status == WishStatus.CLAIMED and obj.claimed_by_id == request.user.pk,
        "confirm": obj.status == WishStatus.FULFILLED and own,
    }
    return render(
        request,
        "services/wish_detail.html",
        {
            "obj": obj,
            "events": obj.events.select_related("actor"),
            "photos": obj.photos.all(),
            "can": can,
            "fulfil_form": form or FulfilForm(),
            "refusal": refusal or [],
        },
    )


@login_required
@require_POST
def wish_action(request, pk: int, action: str):
    if action not in ("claim", "fulfil", "confirm"):
        raise Http404
    obj = get_for_user(request.user, Wish, pk)
    form = None
    try:
        if action == "claim":
            obj.claim(request.user)
        elif action == "fulfil":
            form = FulfilForm(request.POST, request.FILES)
            if not form.is_valid():
                return wish_detail(request, pk, form=form)
            wishes.fulfil_wish(
                request.user, obj, form.cleaned_data["note"], form.cleaned_data["photo"]
            )
        else:
            wishes.confirm_wish(request.user, obj, request.POST.get("note", ""))
    except wishes.WishRefused as error:
        if form is not None:
            apply_refusal(form, error)
        return wish_detail(
            request, pk, form=form, refusal=[m for ms in error.errors.values() for m in ms]
        )
    messages.success(request, gettext("已保存。"))
    return redirect("services:wish", obj.pk)


@login_required
def wish_photo(request, pk: int, photo_id: int):
    obj = get_for_user(request.user, Wish, pk)
    photo = WishPhoto.objects.filter(wish=obj, pk=photo_id).first()
    if photo is None:
        raise Http404
    return serve(photo.thumbnail if request.GET.get("thumb") else photo.image)


# --- dual registration -------------------------------------------------------------------


@login_required
def registrations(request):
    """双报到: an in-service member registers at the community where they live; a branch or
    an admin sees the registrations at its places."""
    scope = scope_for(request.user)
    rows = visible(request.user, CommunityRegistration).select_related("member", "region")
    members = list(
        visible(request.user, Member).filter(pk__in=sorted(scope.member_ids), is_in_service=True)
    )
    if not (members or scope.is_admin or scope.branch_region_paths):
        raise Http404
    villages = []
    if members:
        county = _county_for(request.user)
        villages = catalogue.villages_of(county)
    error = ""
    if request.method == "POST":
        if not members:
            raise Http404
        chosen = next((v for v in villages if str(v.pk) == request.POST.get("region")), None)
        if chosen is None:
            error = gettext("请选择报到的村（社区）。")
        else:
            try:
                wishes.register_at_community(request.user, members[0], chosen)
            except wishes.WishRefused as refused:
                error = str(refused)
            else:
                messages.success(request, gettext("已报到，可在心愿墙认领该社区的微心愿。"))
                return redirect(reverse("services:registrations"))
    page = paginate(request, rows.order_by("region_path", "member__name"))
    return render(
        request,
        "services/registrations.html",
        {
            "page": page,
            "members": members,
            "villages": villages,
            "error": error,
            "chosen": request.POST.get("region", ""),
        },
    )


# --- the role homes ----------------------------------------------------------------------


def home_summary(user, role: str, assignment) -> dict:
    """What each role's home page shows of the services (accounts.views.home)."""
    rows = visible(user, ServiceRequest)
    now = timezone.now()
    if role == "resident":
        return {
            "service_requests": list(
                rows.filter(household_id=assignment.household_id)
                .select_related("item")
                .order_by("-submitted_at")[:8]
            ),
            "wish_count": visible(user, Wish).filter(status=WishStatus.POSTED).count(),
        }
    if role == "unit":
        queue = rows.filter(
            unit_id=assignment.unit_id,
            status__in=[RequestStatus.DISPATCHED, RequestStatus.ACCEPTED],
        )
        return {
            # new work (awaiting acceptance) first, then by deadline
            "service_queue": list(
                queue.select_related("region", "item")
                .annotate(new_first=Case(When(status=RequestStatus.DISPATCHED, then=0), default=1))
                .order_by("new_first", "due_at")[:10]
            ),
            "service_waiting": queue.filter(status=RequestStatus.DISPATCHED).count(),
            "service_overdue": queue.filter(due_at__lt=now).count(),
            "now": now,
        }
    if role in ("admin", "branch"):
        subtree = rows.filter(subtree_q("region_path", assignment.region.path))
        return {
            "service_to_dispatch": subtree.filter(status=RequestStatus.SUBMITTED).count(),
            "service_overdue": subtree.filter(figures.overdue_q(now)).count(),
            "service_open": subtree.filter(status__in=OPEN_REQUEST_STATES).count(),
        }
    return {}
