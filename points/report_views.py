"""Pages of the points reports: the period tallies (周采分、月计分、季评议、年总结), the
rankings, the three linkages' lists, the grid's public board with its objections, and the
village's board and linkage settings. Each page has its Excel export. The places are reached
through ``accounts.scope`` only: a grid through ``get_for_user`` and a region the user
manages (admins over their subtree, a branch account over its village)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.roles import primary_assignment
from accounts.scope import get_for_user, scope_for
from core.excel import EXCEL_LANGUAGE
from core.pages import xlsx_download
from orgs.models import Grid, Region
from points import excel
from points.domain import board as boards
from points.domain import linkages, rankings, tallies
from points.domain.errors import PointsRefused
from points.domain.spans import PointsPeriod, Span, current, parse_period
from points.linkage_models import PointsPolicy
from points.scope_rules import reviews

PAGE = 50


def manages_grid(user, grid: Grid) -> bool:
    return reviews(user, grid.region_path) or grid.pk in scope_for(user).grid_ids


def _place(request, *, grids: bool = True) -> Region | Grid:
    """The grid or region a report is about (``?grid=`` / ``?region=``), or the user's own:
    a grid worker's grid, an admin's or branch account's region. 404 for anyone who does
    not manage it — residents and clerks included."""
    user = request.user
    if grids and request.GET.get("grid"):
        grid = get_for_user(user, Grid, request.GET["grid"])
        if not manages_grid(user, grid):
            raise Http404
        return grid
    if request.GET.get("region"):
        region = get_for_user(user, Region, request.GET["region"])
    else:
        scope = scope_for(user)
        if grids and scope.grid_ids and not (scope.admin_paths or scope.branch_region_paths):
            return get_for_user(user, Grid, min(scope.grid_ids))
        assignment = primary_assignment(user)
        if assignment is None:
            raise Http404
        region = assignment.region
    if not reviews(user, region.path):
        raise Http404
    return region


def _period(request, default_span: str = Span.QUARTER) -> PointsPeriod:
    span = request.GET.get("span") or default_span
    if span not in Span.values:
        raise Http404
    key = request.GET.get("period")
    if not key:
        return current(span)
    period = parse_period(span, key)
    if period is None:
        raise Http404
    return period


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _place_query(place: Region | Grid) -> str:
    return f"grid={place.pk}" if isinstance(place, Grid) else f"region={place.pk}"


def _children_links(place: Region | Grid, tally: tallies.Tally) -> dict:
    """Where each row of a tally leads: a child region's or a grid's own tally."""
    if tally.by == "region":
        return {row.key: f"region={row.key}" for row in tally.rows}
    if tally.by == "grid":
        return {row.key: f"grid={row.key}" for row in tally.rows}
    return {}


@login_required
def tally(request):
    """A period's tally of a grid, village, township or the county."""
    place, period = _place(request), _period(request)
    result = tallies.tally(place, period)
    links = _children_links(place, result)
    rows = [(row, links.get(row.key)) for row in result.rows]
    return render(
        request,
        "points/board/tally.html",
        {
            "place": place,
            "place_query": _place_query(place),
            "period": period,
            "tally": result,
            "rows": rows,
            "total": result.total,
            "spans": Span.choices,
            "is_grid": isinstance(place, Grid),
        },
    )


@login_required
def tally_export(request):
    place, period = _place(request), _period(request)
    result = tallies.tally(place, period)
    with translation.override(EXCEL_LANGUAGE):
        content = excel.tally_workbook(request.user, result)
    return xlsx_download(content, f"points-tally-{period.key}")


def _person_class(request) -> str:
    """``?class=`` resident (households, the default) | member | grid_worker."""
    asked = request.GET.get("class") or rankings.PersonClass.RESIDENT
    if asked not in rankings.PersonClass.values:
        raise Http404
    return asked


@login_required
def ranking(request):
    """The subjects of one class of person (households, party members, grid workers) of a
    place by their points in a period, with their ranks in the grid, the village and the
    township; 50 a page."""
    place, period, person_class = _place(request), _period(request), _person_class(request)
    count = rankings.ranked_count(place, period, person_class=person_class)
    page = Paginator(range(count), PAGE).get_page(request.GET.get("page"))
    offset = (page.number - 1) * PAGE
    rows = (
        rankings.ranking(place, period, limit=PAGE, offset=offset, person_class=person_class)
        if count
        else []
    )
    return render(
        request,
        "points/board/ranking.html",
        {
            "place": place,
            "place_query": _place_query(place),
            "period": period,
            "rows": rows,
            "page": page,
            "count": count,
            "spans": Span.choices,
            "is_grid": isinstance(place, Grid),
            "person_class": person_class,
            "classes": rankings.PersonClass.choices,
        },
    )


@login_required
def ranking_export(request):
    place, period, person_class = _place(request), _period(request), _person_class(request)
    rows = rankings.ranking(place, period, person_class=person_class)
    with translation.override(EXCEL_LANGUAGE):
        content = excel.ranking_workbook(request.user, place, period, rows, person_class)
    return xlsx_download(content, f"points-ranking-{person_class}-{period.key}")


def _kind(kind: str) -> str:
    if kind not in linkages.ListKind.values:
        raise Http404
    return kind


@login_required
def linkage(request, kind: str):
    """One of the three linkages' lists for a village, a township or the county and a year:
    each name with the figures and the rule that put it there."""
    kind = _kind(kind)
    place = _place(request, grids=False)
    year = _year(request)
    if kind in linkages.PEOPLE:
        listed = linkages.candidates(kind, place, year)
        page = Paginator(listed, PAGE).get_page(request.GET.get("page"))
        count, rows = len(listed), list(page)
    else:
        count = linkages.listed_count(kind, place, year)
        page = Paginator(range(count), PAGE).get_page(request.GET.get("page"))
        rows = linkages.candidates(kind, place, year, limit=PAGE, offset=(page.number - 1) * PAGE)
    is_village = place.level == Region.Level.VILLAGE
    policy = linkages.policy_for(place) if is_village else linkages.DEFAULTS
    return render(
        request,
        "points/board/linkage.html",
        {
            "place": place,
            "kind": kind,
            "label": linkages.ListKind(kind).label,
            "kinds": linkages.ListKind.choices,
            "year": year,
            "page": page,
            "rows": rows,
            "count": count,
            "rule": linkages.rule_text(kind, policy),
            "is_village": is_village,
            "is_credit": kind == linkages.ListKind.CREDIT,
        },
    )


@login_required
def linkage_export(request, kind: str):
    kind = _kind(kind)
    place = _place(request, grids=False)
    year = _year(request)
    listed = linkages.candidates(kind, place, year)
    with translation.override(EXCEL_LANGUAGE):
        content = excel.linkage_workbook(request.user, kind, place, year, listed)
    return xlsx_download(content, f"points-{kind}-{year}")


class ObjectionForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("异议理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


def _month(request, grid: Grid) -> PointsPeriod:
    key = request.GET.get("month")
    if not key:
        return boards.latest_month(grid)
    month = parse_period(Span.MONTH, key)
    if month is None:
        raise Http404
    return month


def _board_page(request, grid: Grid, month: PointsPeriod, form=None, status: int = 200):
    result = boards.board(grid, month)
    today = timezone.localdate()
    scope = scope_for(request.user)
    return render(
        request,
        "points/board/board.html",
        {
            "grid": grid,
            "board": result,
            "month": month,
            "is_open": result.is_open(today),
            "form": form,
            "failed_entry": form.data.get("entry") if form is not None else None,
            "own": scope.household_ids,
            "can_object": bool(scope.household_ids & {line.household.pk for line in result.lines})
            or manages_grid(request.user, grid),
            "manages": manages_grid(request.user, grid),
        },
        status=status,
    )


@login_required
def board(request, pk: int):
    """The grid's public board (公示) for a month: last month unless ``?month=`` says."""
    grid = get_for_user(request.user, Grid, pk)
    return _board_page(request, grid, _month(request, grid))


@login_required
@require_POST
def board_object(request, pk: int):
    """A household raises an objection to a score on the board."""
    grid = get_for_user(request.user, Grid, pk)
    form = ObjectionForm(request.POST)
    month = _month(request, grid)
    if form.is_valid():
        try:
            boards.object_on_board(
                request.user, grid, form.cleaned_data["entry"], form.cleaned_data["reason"]
            )
        except PointsRefused as refused:
            for name, messages in refused.errors.items():
                for message in messages:
                    form.add_error(name if name in form.fields else None, message)
        else:
            return redirect(
                f"{reverse('points_reports:board', args=[grid.pk])}?month={month.key}&objected=1"
            )
    return _board_page(request, grid, month, form, status=422)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PointsPolicy
        fields = [
            "objection_days", "honour_share", "honour_limit", "credit_excellent", "credit_good",
            "credit_fair", "reserve_share", "recruit_share", "activist_share",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        excellent, good, fair = (
            data.get(n) for n in ("credit_excellent", "credit_good", "credit_fair")
        )
        if None not in (excellent, good, fair) and not excellent > good > fair:
            self.add_error("credit_good", _("信用等级分数线应满足：优秀 > 良好 > 一般。"))
        for name in ("honour_share", "reserve_share", "recruit_share", "activist_share"):
            if data.get(name) is not None and data[name] > 100:
                self.add_error(name, _("比例不能超过 100%。"))
        return data


@login_required
def policy(request, pk: int):
    """A village's board and linkage settings, set by its branch account or an admin."""
    village = get_for_user(request.user, Region, pk)
    if village.level != Region.Level.VILLAGE or not reviews(request.user, village.path):
        raise Http404
    current_policy = linkages.policy_for(village)
    form = PolicyForm(request.POST or None, instance=current_policy)
    if request.method == "POST" and form.is_valid():
        linkages.save_policy(request.user, village, form.save(commit=False))
        return redirect(f"{request.path}?saved=1")
    return render(
        request,
        "points/board/policy.html",
        {"village": village, "form": form, "saved": request.GET.get("saved")},
        status=422 if form.errors else 200,
    )
