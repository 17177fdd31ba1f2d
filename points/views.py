"""The points pages: the household's own page (phone), the grid worker's batch proposals
(phone), the branch's review queue and rulebooks, reversals, and the love supermarket's
clerk pages (phone). Views parse, call ``points.domain`` and render; rows come only through
``accounts.scope``."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from accounts.scope import get_for_user, scope_for, visible
from core.forms import apply_refusal, bind_photos, photos_attached
from core.pages import serve
from orgs.models import Grid, Household, Member, Region
from points import scope_rules
from points.domain import ledger, objections, people, proposals, rulebooks, store
from points.domain.errors import PointsRefused
from points.domain.periods import Quarter
from points.domain.spans import Span, period_of
from points.forms import (
    ApproveRulebookForm,
    AssemblyForm,
    GoodsForm,
    ProposeForm,
    RestockForm,
    RuleForm,
    StoreForm,
)
from points.models import (
    AssemblyMeeting,
    Goods,
    HouseholdPoints,
    Objection,
    PointEntry,
    PointProposal,
    PointRule,
    Redemption,
    Rulebook,
    Store,
)

Status = PointProposal.Status
STEPS = [
    (Status.PROPOSED, "preliminary", gettext_lazy("党小组初审")),
    (Status.PRELIMINARY, "joint", gettext_lazy("两委联席复审")),
    (Status.JOINT, "approve", gettext_lazy("党员（村民代表）大会审议")),
]


def _refused(request, refused: PointsRefused) -> None:
    messages.error(request, str(refused))


def _managed_village(request) -> Region:
    """The village a branch account manages, or the one an admin names with ``?region=``."""
    scope = scope_for(request.user)
    asked = request.GET.get("region") or request.POST.get("region")
    if asked:
        village = get_for_user(request.user, Region, asked)
    elif len(scope.branch_region_paths) == 1:
        village = visible(request.user, Region).get(path=scope.branch_region_paths[0])
    else:
        raise Http404
    if village.level != Region.Level.VILLAGE or not scope_rules.reviews(request.user, village.path):
        raise Http404
    return village


# ---------------------------------------------------------------------------------------------
# The household's page (a resident's phone; the grid worker and the branch see it too)


def grid_rank(household: Household, quarter: Quarter) -> tuple[int, int, int]:
    """(points this quarter, rank in the grid, households in the grid) — one grouped query
    over the grid's quarter."""
    sums = dict(
        PointEntry.objects.filter(  # scope-ok: sums only; the page shows the rank, no other row
            grid_id=household.grid_id,
            household__isnull=False,
            kind__in=[PointEntry.Kind.AWARD, PointEntry.Kind.REVERSAL],
            occurred_on__gte=quarter.start,
            occurred_on__lte=quarter.end,
        )
        .values_list("household_id")
        .annotate(s=Sum("points"))
        .values_list("household_id", "s")
    )
    mine = sums.get(household.pk, 0)
    rank = 1 + sum(1 for value in sums.values() if value > mine)
    return mine, rank, household.grid.households.count()


@login_required
def household(request, pk: int):
    household = get_for_user(request.user, Household.objects.select_related("grid__region"), pk)
    today = timezone.localdate()
    quarter = Quarter.of(today)
    village = household.grid.region
    shop = visible(request.user, Store).filter(region=village).first()
    standing = store.standing(shop, household, today) if shop else None
    quarter_points, rank, grid_size = grid_rank(household, quarter)
    goods = []
    if shop and standing:
        goods = [
            (g, store.points_for(shop, g.price))
            for g in visible(request.user, Goods).filter(store=shop, active=True, stock__gt=0)
        ]
    book = rulebooks.rule_in_force(village, today)
    context = {
        "household": household,
        "balance": ledger.balance(household),
        "quarter": quarter,
        "quarter_points": quarter_points,
        "rank": rank,
        "grid_size": grid_size,
        "shop": shop,
        "standing": standing,
        "goods": goods,
        "entries": visible(request.user, PointEntry)
        .filter(household=household)
        .select_related("rule", "redemption")[:60],
        "pending": visible(request.user, PointProposal)
        .filter(household=household, status__in=proposals.REVIEWING)
        .select_related("rule"),
        "book": book,
        "rules": book.rules.order_by("code") if book else [],
        "redemptions": visible(request.user, Redemption)
        .filter(household=household)
        .prefetch_related("lines__goods")[:10],
        "may_reverse": scope_rules.reviews(request.user, household.region_path),
    }
    return render(request, "points/household.html", context)


@login_required
def my_points(request):
    """A person's own points: a resident's household page; a party member's and a grid
    worker's own scores (seed 004's other two classes) with their ranks among their class."""
    scope = scope_for(request.user)
    ids = sorted(scope.household_ids)
    if ids:
        return redirect("points:household", ids[0])
    if not (scope.member_ids or scope.grid_ids):
        raise Http404
    today = timezone.localdate()
    periods = [period_of(today, Span.QUARTER), period_of(today, Span.YEAR)]
    sections = [
        _own_section(request.user, own, periods) for own in people.own_subjects(request.user)
    ]
    return render(request, "points/mine.html", {"sections": sections})


OWN_SHOWN = 20  # a grid worker holding many grids sees their best 20 on the phone


def _own_section(user, own: people.OwnSubjects, periods) -> dict:
    """One class's part of a person's page: each subject's points and ranks in the quarter
    and the year, and the latest entries and proposals."""
    people.with_standings(own, periods)
    subjects = [
        {"name": own.names[pk], "ranked": standing} for pk, standing in own.standings.items()
    ]
    subjects.sort(key=lambda s: -s["ranked"][0][1].points if s["ranked"][0][1] else 10**9)
    return {
        "label": own.label,
        "subjects": subjects[:OWN_SHOWN],
        "more": max(len(subjects) - OWN_SHOWN, 0),
        "entries": visible(user, PointEntry)
        .filter(own.rows, kind__in=[PointEntry.Kind.AWARD, PointEntry.Kind.REVERSAL])
        .select_related("rule", "grid")[:30],
        "pending": visible(user, PointProposal)
        .filter(own.rows, status__in=proposals.REVIEWING)
        .select_related("rule")[:30],
    }


# ---------------------------------------------------------------------------------------------
# Proposals (采分) from a phone


def _proposer_households(request):
    scope = scope_for(request.user)
    if scope.grid_ids:
        return visible(request.user, Household).filter(grid_id__in=sorted(scope.grid_ids))
    if scope.branch_region_paths:
        return visible(request.user, Household).filter(region_path__in=scope.branch_region_paths)
    raise Http404


@login_required
def propose(request):
    """The grid worker's batch: one item of the rulebook in force, several households."""
    households = _proposer_households(request).select_related("grid")
    search = (request.GET.get("q") or "").strip()
    shown = households
    if search:
        shown = households.filter(Q(head_name__contains=search) | Q(code__contains=search))
    first = households.first()
    if first is None:
        raise Http404
    village_id = first.region_id
    today = timezone.localdate()
    rules = proposals.proposable_rules(village_id, today)
    members = (
        visible(request.user, Member).filter(household__in=households).select_related("household")
    )
    chosen = request.POST.getlist("households") if request.method == "POST" else []
    listed = list(shown.order_by("code")[:300])
    if chosen:  # households picked before a search stay in the list
        listed += [h for h in households.filter(pk__in=chosen) if h not in listed]
    grids = list(
        visible(request.user, Grid)
        .filter(pk__in=households.values("grid_id").distinct())
        .order_by("code")[:300]
    )
    form_kwargs = {
        "households": listed,
        "rules": rules,
        "members": list(members),
        "grids": grids,
    }
    photo_lost = False
    if request.method == "POST":
        form = bind_photos(ProposeForm(request.POST, request.FILES, **form_kwargs), request.user)
        if form.is_valid():
            data = form.cleaned_data
            photo = data["photo"][0] if data["photo"] else None
            rule = next((r for r in rules if str(r.pk) == data["rule"]), None)
            member = next((m for m in members if str(m.pk) == data["member"]), None)
            if not form.errors and rule is not None:
                picked: list = list(households.filter(pk__in=data["households"]))
                grid = next((g for g in grids if str(g.pk) == data["grid"]), None)
                if rule.applies_to == PointRule.AppliesTo.GRID_WORKER:
                    picked = [None]  # the grid's worker: one proposal, no household
                batch = [
                    proposals.ProposalInput(
                        household=h,
                        grid=grid,
                        rule=rule,
                        occurred_on=data["occurred_on"],
                        times=data["times"],
                        note=data["note"],
                        member=member,
                        person_name=data["person_name"],
                        photo=photo,
                    )
                    for h in picked
                ]
                try:
                    made = proposals.propose_entries(request.user, batch)
                except PointsRefused as refused:
                    apply_refusal(form, refused)
                else:
                    photos_attached(form)
                    messages.success(
                        request,
                        gettext("已提交 %(n)s 条采分，等待党小组初审。") % {"n": len(made)},
                    )
                    return redirect("points:proposals")
        photo_lost = bool(request.FILES.get("photo")) or "photo" in form.errors
    else:
        form = ProposeForm(**form_kwargs)
    return render(
        request,
        "points/propose.html",
        {"form": form, "search": search, "rules": rules, "photo_lost": photo_lost},
    )


@login_required
def proposal_list(request):
    rows = visible(request.user, PointProposal).select_related("rule", "household")
    status = request.GET.get("status", "")
    if status in Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-proposed_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "points/proposal_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "own_scores": bool(  # /points/mine/ answers them
                (scope := scope_for(request.user)).grid_ids
                or scope.member_ids
                or scope.household_ids
            ),
        },
    )


@login_required
def proposal_detail(request, pk: int):
    proposal = get_for_user(
        request.user,
        PointProposal.objects.select_related("rule__rulebook", "household", "assembly"),
        pk,
    )
    context = {
        "proposal": proposal,
        "events": proposal.events.select_related("actor"),
        "is_proposer": proposal.proposed_by_id == request.user.pk,
        "reviews": scope_rules.reviews(request.user, proposal.region_path),
        "objections": visible(request.user, Objection).filter(proposal=proposal),
    }
    return render(request, "points/proposal_detail.html", context)


@login_required
@require_POST
def proposal_action(request, pk: int, action: str):
    proposal = get_for_user(request.user, PointProposal, pk)
    try:
        if action == "withdraw" and proposal.proposed_by_id == request.user.pk:
            proposals.withdraw(request.user, proposal)
        elif action == "resubmit" and proposal.proposed_by_id == request.user.pk:
            proposals.resubmit(request.user, proposal, note=request.POST.get("note", ""))
        elif action == "return" and scope_rules.reviews(request.user, proposal.region_path):
            proposals.return_proposal(
                request.user,
                [proposal.pk],
                request.POST.get("reason", ""),
                signed_by=request.POST.get("signed_by", ""),
            )
        else:
            raise Http404
    except PointsRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, gettext("已处理。"))
    return redirect("points:proposal", proposal.pk)


@login_required
def proposal_photo(request, pk: int):
    proposal = get_for_user(request.user, PointProposal, pk)
    return serve(proposal.thumbnail if request.GET.get("thumb") else proposal.photo)


# ---------------------------------------------------------------------------------------------
# The review chain (the branch account for the party group, the two committees, the assembly)


@login_required
def review_queue(request):
    """The branch's queue, one form per step. Nothing is ticked when the page opens: the
    user ticks proposals one by one, or asks for a whole step with 「全选」 (the static
    ``select-all.js`` ticks the boxes in place; without JavaScript the link reloads the page
    with that step's boxes ticked, naming the count). A post with nothing ticked is refused."""
    village = _managed_village(request)
    rows = visible(request.user, PointProposal, write=True).filter(region=village)
    assembly_form = AssemblyForm(initial={"held_on": timezone.localdate()})
    step = ""
    chosen: set[int] = set()
    typed = {"signed_by": "", "reason": ""}
    if request.method == "POST":
        step = request.POST.get("step", "")
        chosen = {int(i) for i in request.POST.getlist("proposals") if i.isdigit() and len(i) < 12}
        ids = sorted(chosen)
        typed = {k: request.POST.get(k, "") for k in typed}
        signed_by = typed["signed_by"]
        try:
            if step not in ("preliminary", "joint", "return", "approve"):
                raise Http404
            if step == "approve":
                assembly_form = AssemblyForm(request.POST)
            if not ids:
                raise PointsRefused(
                    {"proposals": [gettext("请先勾选要处理的采分（或点「全选」），再提交。")]}
                )
            if step in ("preliminary", "joint"):
                moved = proposals.review(request.user, ids, step, signed_by=signed_by)
            elif step == "return":
                moved = proposals.return_proposal(
                    request.user, ids, typed["reason"], signed_by=signed_by
                )
            else:
                if not assembly_form.is_valid():
                    raise PointsRefused(gettext("请填写大会日期和大会记录。"))
                data = assembly_form.cleaned_data
                meeting = AssemblyMeeting(
                    region=village, held_on=data["held_on"], minutes=data["minutes"]
                )
                moved = ledger.approve_at_assembly(
                    request.user, meeting, ids, signed_by=data["signed_by"]
                )
        except PointsRefused as refused:
            _refused(request, refused)
            if step == "approve":
                apply_refusal(assembly_form, refused)
        else:
            messages.success(request, gettext("已处理 %(n)s 条。") % {"n": len(moved)})
            return redirect(f"{request.path}?region={village.pk}")
    select_all = request.GET.get("select", "") if request.method == "GET" else ""
    groups = []
    for status, group_step, label in STEPS:
        listed = list(rows.filter(status=status).select_related("rule", "household")[:300])
        if select_all == group_step:
            ticked = {p.pk for p in listed}
        else:
            ticked = chosen & {p.pk for p in listed}
        groups.append(
            {
                "status": status,
                "step": group_step,
                "label": label,
                "rows": [(p, p.pk in ticked) for p in listed],
                "ticked": len(ticked),
                "all_ticked": bool(listed) and select_all == group_step,
                # what was typed stays in the form it was typed into
                "typed": typed if group_step == step or (step == "return" and ticked) else {},
            }
        )
    open_objections = (
        visible(request.user, Objection, write=True)
        .filter(region_path=village.path, status=Objection.Status.OPEN)
        .select_related("household", "entry", "proposal")
    )
    return render(
        request,
        "points/review.html",
        {
            "village": village,
            "groups": groups,
            "assembly_form": assembly_form,
            "objections": open_objections,
            "signed_by": typed["signed_by"],
        },
    )


@login_required
@require_POST
def objection_resolve(request, pk: int):
    objection = get_for_user(request.user, Objection, pk, write=True)
    try:
        objections.resolve_objection(
            request.user,
            objection,
            upheld=request.POST.get("upheld") == "1",
            resolution=request.POST.get("resolution", ""),
        )
    except PointsRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, gettext("异议已处理。"))
    region = visible(request.user, Region).filter(path=objection.region_path).first()
    return redirect(f"/points/review/?region={region.pk if region else ''}")


@login_required
@require_POST
def entry_reverse(request, pk: int):
    entry = get_for_user(request.user, PointEntry, pk, write=True)
    try:
        ledger.reverse_entry(request.user, entry, request.POST.get("reason", ""))
    except PointsRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, gettext("已冲正。"))
    return redirect("points:household", entry.household_id)


# ---------------------------------------------------------------------------------------------
# Rulebooks


@login_required
def rulebook_list(request):
    village = _managed_village(request)
    if request.method == "POST":
        try:
            book = rulebooks.draft_rulebook(request.user, village)
        except PointsRefused as refused:
            _refused(request, refused)
        else:
            return redirect("points:rulebook", book.pk)
    books = visible(request.user, Rulebook).filter(region=village)
    in_force = rulebooks.rule_in_force(village, timezone.localdate())
    return render(
        request,
        "points/rulebook_list.html",
        {"village": village, "books": books, "in_force": in_force},
    )


@login_required
def rulebook_detail(request, pk: int):
    book = get_for_user(request.user, Rulebook.objects.select_related("region"), pk)
    may_edit = book.status == Rulebook.Status.DRAFT and scope_rules.reviews(
        request.user, book.region_path
    )
    rule_form = RuleForm(prefix="rule")
    approve_form = ApproveRulebookForm(
        prefix="approve",
        initial={"approved_on": timezone.localdate(), "in_force_from": timezone.localdate()},
    )
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if "approve-assembly_minutes" in request.POST:
            approve_form = ApproveRulebookForm(request.POST, prefix="approve")
            if approve_form.is_valid():
                try:
                    rulebooks.approve_rulebook(request.user, book, **approve_form.cleaned_data)
                except PointsRefused as refused:
                    apply_refusal(approve_form, refused)
                else:
                    messages.success(request, gettext("细则已经大会通过。"))
                    return redirect("points:rulebook", book.pk)
        else:
            rule_form = RuleForm(request.POST, prefix="rule")
            if rule_form.is_valid():
                try:
                    rulebooks.save_rule(request.user, book, _rule_input(rule_form.cleaned_data))
                except PointsRefused as refused:
                    apply_refusal(rule_form, refused)
                else:
                    messages.success(request, gettext("已添加积分项目。"))
                    return redirect("points:rulebook", book.pk)
    return render(
        request,
        "points/rulebook_detail.html",
        {
            "book": book,
            "rules": book.rules.order_by("code"),
            "may_edit": may_edit,
            "rule_form": rule_form,
            "approve_form": approve_form,
        },
    )


def _rule_input(data: dict) -> rulebooks.RuleInput:
    return rulebooks.RuleInput(
        code=data["code"],
        name=data["name"],
        category=data["category"],
        points=data["points"],
        applies_to=data["applies_to"],
        evidence=data["evidence"],
        cap=data["cap"],
        cap_period=data["cap_period"] or None,
    )


@login_required
def rule_edit(request, pk: int):
    rule = get_for_user(request.user, PointRule.objects.select_related("rulebook"), pk, write=True)
    if rule.rulebook.status != Rulebook.Status.DRAFT:
        raise Http404
    if request.method == "POST":
        if "remove" in request.POST:
            rulebooks.remove_rule(request.user, rule)
            return redirect("points:rulebook", rule.rulebook_id)
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                rulebooks.save_rule(
                    request.user, rule.rulebook, _rule_input(form.cleaned_data), rule
                )
            except PointsRefused as refused:
                apply_refusal(form, refused)
            else:
                return redirect("points:rulebook", rule.rulebook_id)
    else:
        form = RuleForm(initial={f: getattr(rule, f) for f in rulebooks.RULE_FIELDS})
    return render(request, "points/rule_form.html", {"rule": rule, "form": form})


# ---------------------------------------------------------------------------------------------
# The love supermarket


@login_required
def store_home(request):
    """The clerk's (or the branch's) own store."""
    scope = scope_for(request.user)
    paths = scope.clerk_paths or scope.branch_region_paths
    shop = visible(request.user, Store, write=True).filter(region_path__in=paths).first()
    if shop is None:
        raise Http404
    return redirect("points:store", shop.pk)


@login_required
def store_page(request, pk: int):
    """The store: find a household, the shelf with its intake, new goods, recent receipts,
    and the settings — changed only by the village's branch account or an admin above; the
    clerk sees them read-only (a clerk's post of them answers 403)."""
    shop = get_for_user(request.user, Store, pk, write=True)
    may_configure = scope_rules.reviews(request.user, shop.region_path)
    search = (request.GET.get("q") or "").strip()
    found = []
    if search:
        found = list(
            visible(request.user, HouseholdPoints)
            .filter(region_path=shop.region_path)
            .filter(Q(household__head_name__contains=search) | Q(household__code__contains=search))
            .select_related("household")[:30]
        )
    goods_form = GoodsForm(prefix="goods")
    settings_form = StoreForm(
        prefix="store",
        initial={
            "name": shop.name,
            "points_per_yuan": shop.points_per_yuan,
            "threshold": shop.threshold,
        },
    )
    restock_errors: dict[int, list[str]] = {}
    restock_typed: dict[int, str] = {}
    if request.method == "POST":
        if "goods-name" in request.POST:
            goods_form = GoodsForm(request.POST, prefix="goods")
            if goods_form.is_valid():
                try:
                    store.save_goods(request.user, shop, **goods_form.cleaned_data)
                except PointsRefused as refused:
                    apply_refusal(goods_form, refused)
                else:
                    messages.success(request, gettext("商品已上架。"))
                    return redirect("points:store", shop.pk)
        elif "restock" in request.POST:
            goods = get_for_user(
                request.user,
                Goods.objects.filter(store=shop),  # scope-ok: get_for_user applies it
                request.POST["restock"],
                write=True,
            )
            restock = RestockForm(request.POST)
            if restock.is_valid():
                try:
                    store.save_goods(
                        request.user,
                        shop,
                        name=goods.name,
                        price=goods.price,
                        add_stock=restock.cleaned_data["add_stock"],
                        active=request.POST.get("active", "1") == "1",
                        goods=goods,
                    )
                except PointsRefused as refused:
                    restock_errors[goods.pk] = [m for ms in refused.errors.values() for m in ms]
                else:
                    messages.success(request, gettext("库存已更新。"))
                    return redirect("points:store", shop.pk)
            else:
                restock_errors[goods.pk] = list(restock.errors.get("add_stock", []))
            restock_typed[goods.pk] = request.POST.get("add_stock", "")
        else:
            if not may_configure:
                raise PermissionDenied(
                    gettext("超市的兑换比例和门槛只能由本村党支部或上级管理员修改。")
                )
            settings_form = StoreForm(request.POST, prefix="store")
            if settings_form.is_valid():
                try:
                    store.update_store(request.user, shop, **settings_form.cleaned_data)
                except PointsRefused as refused:
                    apply_refusal(settings_form, refused)
                else:
                    messages.success(request, gettext("超市设置已保存。"))
                    return redirect("points:store", shop.pk)
    shelf = list(visible(request.user, Goods).filter(store=shop))
    context = {
        "shop": shop,
        "search": search,
        "found": found,
        "goods": [(g, restock_errors.get(g.pk, []), restock_typed.get(g.pk, "0")) for g in shelf],
        "restock_errors": restock_errors,
        "recent": visible(request.user, Redemption)
        .filter(store=shop)
        .select_related("household")[:10],
        "goods_form": goods_form,
        "settings_form": settings_form,
        "may_configure": may_configure,
        "max_add_stock": store.MAX_ADD_STOCK,
    }
    return render(request, "points/store.html", context)


def _quantities(request, shelf: list[Goods]) -> tuple[dict[int, int], dict[int, str], list[str]]:
    """The till's quantities as typed: (parsed, typed, errors). Empty is 0; anything but a
    whole number from 0 to the stock (and ``store.MAX_QUANTITY``) is an error naming the
    goods, and the typed text stays in its box."""
    parsed: dict[int, int] = {}
    typed: dict[int, str] = {}
    errors: list[str] = []
    for goods in shelf:
        raw = (request.POST.get(f"qty_{goods.pk}") or "").strip()
        typed[goods.pk] = raw
        if not raw:
            continue
        if not raw.isdigit() or len(raw) > 6:
            errors.append(
                gettext("“%(name)s”的数量应为 0 到 %(most)s 的整数。")
                % {"name": goods.name, "most": min(goods.stock, store.MAX_QUANTITY)}
            )
        elif int(raw) > goods.stock:
            errors.append(
                gettext("“%(name)s”库存只有 %(stock)s 件。")
                % {"name": goods.name, "stock": goods.stock}
            )
        elif int(raw):
            parsed[goods.pk] = int(raw)
    return parsed, typed, errors


@login_required
def redeem(request, pk: int, household_pk: int):
    """The till: the shelf with a quantity box per goods, the household's available points
    and a running total (points and yuan) kept by the static ``till.js`` as the clerk types
    — and computed again here on submit, which is what is debited."""
    shop = get_for_user(request.user, Store, pk, write=True)
    row = get_for_user(
        request.user,
        visible(request.user, HouseholdPoints)
        .filter(region_path=shop.region_path)
        .select_related("household"),
        household_pk,
    )
    household = row.household
    shelf = list(visible(request.user, Goods).filter(store=shop, active=True))
    quantities: dict[int, int] = {}
    typed: dict[int, str] = {}
    errors: list[str] = []
    status = 200
    client_key = request.POST.get("client_key") or uuid.uuid4().hex
    if request.method == "POST":
        quantities, typed, errors = _quantities(request, shelf)
        if not errors:
            try:
                receipt = store.redeem(
                    request.user,
                    shop,
                    household,
                    sorted(quantities.items()),
                    client_key=client_key[:64],
                )
            except PointsRefused as refused:
                errors = [m for ms in refused.errors.values() for m in ms]
                if refused.conflict:
                    status = 409
                    client_key = uuid.uuid4().hex  # the next press is a new exchange
            else:
                messages.success(request, gettext("兑换成功。"))
                return redirect("points:receipt", receipt.pk)
    prices = {g.pk: g.price for g in shelf}
    total_yuan = sum((prices[g] * q for g, q in quantities.items()), Decimal("0.00"))
    standing = store.standing(shop, household)
    total_points = store.points_for(shop, total_yuan)
    context = {
        "shop": shop,
        "household": household,
        "standing": standing,
        "shelf": [
            (g, store.points_for(shop, g.price), typed.get(g.pk, ""), int(g.price * 100))
            for g in shelf
        ],
        "errors": errors,
        "client_key": client_key,
        "total_points": total_points,
        "total_yuan": total_yuan.quantize(Decimal("0.01")),
        "remaining": standing.balance - total_points,
    }
    return render(request, "points/redeem.html", context, status=status)


@login_required
def receipt(request, pk: int):
    """A receipt (兑换凭证) to print: store, household, goods, points, clerk, the time in
    Asia/Shanghai, its number, and the balance just after this exchange."""
    redemption = get_for_user(
        request.user,
        Redemption.objects.select_related("store__region", "household", "clerk").prefetch_related(
            "lines__goods"
        ),
        pk,
    )
    entry = visible(request.user, PointEntry).filter(redemption=redemption).first()
    balance_after = None
    if entry is not None:
        balance_after = (
            visible(request.user, PointEntry)
            .filter(household_id=redemption.household_id, pk__lte=entry.pk)
            .aggregate(s=Sum("points"))["s"]
        )
    return render(
        request,
        "points/receipt.html",
        {
            "redemption": redemption,
            "number": store.receipt_number(redemption),
            "balance": balance_after if balance_after is not None else "—",
            "may_redeem": scope_rules.runs_store(request.user, redemption.store),
        },
    )


def branch_summary(user) -> dict:
    """For the branch's home: proposals waiting at each review step, and open objections."""
    rows = visible(user, PointProposal, write=True).filter(status__in=proposals.REVIEWING)
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "points_waiting": [(label, counts.get(status, 0)) for status, _step, label in STEPS],
        "points_objections": visible(user, Objection, write=True)
        .filter(status=Objection.Status.OPEN)
        .count(),
    }
