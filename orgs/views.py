"""Pages of the organization tree: browser, member and household lists, the two-committee
check. Every row is reached through ``accounts.scope``."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import home_region
from accounts.scope import can_write, get_for_user, scope_for, visible
from core.pages import client_ip, paginate
from core.paths import subtree_q
from orgs import personal
from orgs.domain import committees, queries
from orgs.domain.counts import child_counts, subtree_counts
from orgs.forms import HouseholdFilterForm, MemberFilterForm
from orgs.models import CommitteePost, Grid, Household, Member, Organization, Region
from orgs.scope_rules import may_see_counts


@login_required
def tree(request):
    return redirect("orgs:region", home_region(request.user).pk)


@login_required
def region(request, pk: int):
    """One node of the region tree with its children, organizations and grids."""
    node = get_for_user(request.user, Region, pk)
    user = request.user
    show_counts = may_see_counts(user, node)
    children = list(visible(user, Region).filter(parent=node).order_by("path"))
    context = {
        "region": node,
        "ancestors": visible(user, node.ancestors()),
        "show_counts": show_counts,
        "totals": subtree_counts(node) if show_counts else None,
        "children": child_counts(node, children) if show_counts else children,
        "organizations": visible(user, Organization).filter(region=node).order_by("path"),
        "grids": visible(user, Grid).filter(region=node).select_related("organization"),
        "is_village": node.level == Region.Level.VILLAGE,
    }
    return render(request, "orgs/region.html", context)


@login_required
def grid(request, pk: int):
    """A grid and its households."""
    node = get_for_user(request.user, Grid, pk)
    households = visible(request.user, Household).filter(grid=node).select_related("liaison")
    return render(
        request,
        "orgs/grid.html",
        {
            "grid": node,
            "page": paginate(request, households),
            "ancestors": visible(request.user, node.region.ancestors()),
        },
    )


@login_required
def organization(request, pk: int):
    """A party organization: its sub-organizations, grids and members."""
    node = get_for_user(request.user, Organization, pk)
    user = request.user
    members = visible(user, Member).filter(subtree_q("org_path", node.path))
    return render(
        request,
        "orgs/organization.html",
        {
            "organization": node,
            "ancestors": visible(user, node.ancestors()),
            "children": visible(user, Organization).filter(parent=node).order_by("path"),
            "grids": visible(user, Grid).filter(organization=node),
            "page": paginate(request, members.select_related("organization")),
        },
    )


def _only_region_filter(form) -> bool:
    """True when the list shows a whole region subtree: no filter but (at most) the region."""
    return not form.is_bound or (
        form.is_valid() and not any(v for k, v in form.cleaned_data.items() if k != "region")
    )


def _known_total(user, region: Region | None, figure: str) -> int | None:
    """The list's total from the region counters, when the user's rows are exactly one
    administered subtree (or a part of it); ``None`` means count the rows."""
    scope = scope_for(user)
    only_admin = len(scope.admin_paths) == 1 and not (
        scope.branch_org_paths
        or scope.grid_ids
        or scope.member_ids
        or scope.household_ids
        or scope.is_superuser
    )
    if not only_admin:
        return None
    root = region or home_region(user)
    return getattr(subtree_counts(root), figure)


def _filtered_list(request, form_class, rows, filter_rows, figure: str, template: str):
    """A list page: the scoped rows narrowed by the filter form, a page of them, and the
    total from the counters when the rows are a whole subtree."""
    form = form_class(request.GET or None, user=request.user)
    region = None
    if form.is_bound:
        if form.is_valid():
            region = form.cleaned_data["region"]
            rows = filter_rows(rows, **form.cleaned_data)
        else:
            rows = rows.none()
    total = _known_total(request.user, region, figure) if _only_region_filter(form) else None
    return render(
        request,
        template,
        {
            "form": form,
            "page": paginate(request, rows, count=total),
            "region": region,
            "can_add": scope_for(request.user).is_admin
            or bool(scope_for(request.user).branch_org_paths),
        },
    )


@login_required
def member_list(request):
    rows = visible(request.user, Member).select_related("organization")
    return _filtered_list(
        request, MemberFilterForm, rows, queries.filter_members, "members", "orgs/member_list.html"
    )


def _personal_context(user, obj: Member | Household, reveal_url_name: str) -> dict:
    """The masked personal data of a detail page, whether the user may reveal it, and
    whether they may edit the row (which implies revealing: one scope check serves both)."""
    editable = can_write(user, obj)
    return {
        "personal_rows": personal.labelled(type(obj), personal.masked_values(obj)),
        "may_reveal": editable or personal.may_reveal(user, obj),
        "reveal_url": reverse(reveal_url_name, args=[obj.pk]),
        "can_edit": editable,
    }


@login_required
def member_detail(request, pk: int):
    person = get_for_user(
        request.user, Member.objects.select_related("organization", "household"), pk
    )
    return render(
        request,
        "orgs/member_detail.html",
        {
            "person": person,
            **_personal_context(request.user, person, "orgs:member_reveal"),
        },
    )


@login_required
def household_list(request):
    rows = visible(request.user, Household).select_related("grid", "liaison")
    return _filtered_list(
        request,
        HouseholdFilterForm,
        rows,
        queries.filter_households,
        "households",
        "orgs/household_list.html",
    )


@login_required
def household_detail(request, pk: int):
    household = get_for_user(
        request.user, Household.objects.select_related("grid__region", "liaison"), pk
    )
    return render(
        request,
        "orgs/household_detail.html",
        {
            "household": household,
            **_personal_context(request.user, household, "orgs:household_reveal"),
            "members": visible(request.user, Member).filter(household=household),
        },
    )


def _reveal(request, model, pk: int):
    obj = get_for_user(request.user, model, pk)
    try:
        values = personal.reveal(request.user, obj, ip_address=client_ip(request))
    except PermissionError as error:
        return HttpResponseForbidden(str(error))
    return render(
        request,
        "orgs/_personal.html",
        {"personal_rows": personal.labelled(model, values), "revealed": True},
    )


@login_required
@require_POST
def member_reveal(request, pk: int):
    return _reveal(request, Member, pk)


@login_required
@require_POST
def household_reveal(request, pk: int):
    return _reveal(request, Household, pk)


@login_required
def committee_rollup(request):
    """The two-committee structure check for a node, one line per child node."""
    region_id = request.GET.get("region")
    node = get_for_user(request.user, Region, region_id) if region_id else home_region(request.user)
    if not may_see_counts(request.user, node):
        raise Http404
    today = timezone.localdate()
    total, children = committees.rollup(node, today)
    context = {
        "region": node,
        "ancestors": visible(request.user, node.ancestors()),
        "total": total,
        "children": children,
        "criteria": committees.CRITERIA,
        "villages": committees.village_checks(node, today)
        if node.level in (Region.Level.TOWNSHIP, Region.Level.VILLAGE)
        else None,
        "today": today,
    }
    return render(request, "orgs/committee_rollup.html", context)


@login_required
def committee_village(request, pk: int):
    """One village's two committees and its check."""
    village = get_for_user(request.user, Region, pk)
    if village.level != Region.Level.VILLAGE or not may_see_counts(request.user, village):
        raise Http404
    today = timezone.localdate()
    [check] = committees.village_checks(village, today)
    posts = visible(request.user, CommitteePost).filter(region=village).select_related("member")
    return render(
        request,
        "orgs/committee_village.html",
        {
            "region": village,
            "ancestors": visible(request.user, village.ancestors()),
            "check": check,
            "criteria": committees.CRITERIA,
            "posts": [p for p in posts if p.term_end is None or p.term_end >= today],
            "today": today,
        },
    )
