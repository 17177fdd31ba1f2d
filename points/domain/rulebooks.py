"""Rulebooks (积分细则): each version drafted by the two committees, approved by the
villagers' assembly (date and minutes), in force from a date. Proposals are scored under the
version in force on their day (``rule_in_force``)."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.log import Action, record
from orgs.models import Region
from points.domain.errors import PointsRefused
from points.models import PointRule, Rulebook

Status = Rulebook.Status
IN_FORCE_STATUSES = [Status.APPROVED, Status.SUPERSEDED]
RULE_FIELDS = ("code", "name", "category", "points", "applies_to", "evidence", "cap", "cap_period")


@dataclass
class RuleInput:
    code: str
    name: str
    category: str
    points: int
    applies_to: str
    evidence: str = PointRule.Evidence.NONE
    cap: int | None = None
    cap_period: str | None = None


def rule_in_force(village: Region | int, day: date) -> Rulebook | None:
    """The village's approved version with the latest ``in_force_from`` on or before ``day``."""
    pk = village if isinstance(village, int) else village.pk
    return (
        Rulebook.objects.filter(region_id=pk, status__in=IN_FORCE_STATUSES, in_force_from__lte=day)
        .order_by("-in_force_from", "-version")
        .first()
    )


def check_rule(data: RuleInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.code.strip():
        errors["code"] = ["请填写项目编号。"]
    if not data.name.strip():
        errors["name"] = ["请填写项目名称。"]
    if data.category not in PointRule.Category.values:
        errors["category"] = ["请选择项目类别。"]
    if data.applies_to not in PointRule.AppliesTo.values:
        errors["applies_to"] = ["请选择适用人员。"]
    if data.evidence not in PointRule.Evidence.values:
        errors["evidence"] = ["请选择佐证材料。"]
    if data.points == 0:
        errors["points"] = ["分值不能为 0。"]
    if data.category == PointRule.Category.VETO and data.points > 0:
        errors["points"] = ["否决项目应为扣分（负数）。"]
    if data.cap is not None and data.cap <= 0:
        errors["cap"] = ["上限应大于 0，或不设上限。"]
    if (data.cap is None) != (not data.cap_period):
        errors["cap_period"] = ["设上限时请同时选择上限周期；不设上限时不选周期。"]
    return errors


@transaction.atomic
def draft_rulebook(actor, village: Region, *, rules: list[RuleInput] | None = None) -> Rulebook:
    """A new draft version (two committees' proposal) for the village: a copy of the latest
    version's rules, or ``rules``. Refuses a second open draft.

    Side effects: one Rulebook with its rules, one audit entry."""
    if village.level != Region.Level.VILLAGE:
        raise PointsRefused("积分细则按村（社区）制定。")
    if Rulebook.objects.filter(region=village, status=Status.DRAFT).exists():
        raise PointsRefused("本村已有一份待审议的草案，请先完成或修改它。")
    latest = Rulebook.objects.filter(region=village).order_by("-version").first()
    version = (Rulebook.objects.filter(region=village).aggregate(v=Max("version"))["v"] or 0) + 1
    try:
        with transaction.atomic():
            book = Rulebook.objects.create(
                region=village,
                region_path=village.path,
                version=version,
                drafted_on=timezone.localdate(),
                drafted_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise PointsRefused("草案刚被他人创建，请刷新。", conflict=True) from None
    if rules is None and latest is not None:
        rules = [
            RuleInput(**{f: getattr(rule, f) for f in RULE_FIELDS}) for rule in latest.rules.all()
        ]
    for data in rules or []:
        errors = check_rule(data)
        if errors:
            raise PointsRefused(errors)
        PointRule.objects.create(rulebook=book, **{f: getattr(data, f) for f in RULE_FIELDS})
    record(actor, Action.CREATE, book, region_path=book.region_path)
    return book


@transaction.atomic
def save_rule(actor, book: Rulebook, data: RuleInput, rule: PointRule | None = None) -> PointRule:
    """Add an item to a draft, or change one of its items; approved versions are fixed.

    Side effects: the rule, one audit entry."""
    if book.status != Status.DRAFT:
        raise PointsRefused("已通过的细则不能修改，请拟定新版本。")
    errors = check_rule(data)
    clash = PointRule.objects.filter(rulebook=book, code=data.code.strip())
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        errors.setdefault("code", []).append("本版细则中已有该编号。")
    if errors:
        raise PointsRefused(errors)
    values = {f: getattr(data, f) for f in RULE_FIELDS}
    values["code"], values["name"] = data.code.strip(), data.name.strip()
    values["cap_period"] = data.cap_period or None
    if rule is None:
        rule = PointRule.objects.create(rulebook=book, **values)
        record(actor, Action.CREATE, rule, region_path=book.region_path)
    else:
        PointRule.objects.filter(pk=rule.pk, rulebook=book).update(**values)
        rule.refresh_from_db()
        record(actor, Action.UPDATE, rule, region_path=book.region_path)
    return rule


@transaction.atomic
def remove_rule(actor, rule: PointRule) -> None:
    """Drop an item from a draft. Side effects: the rule deleted, one audit entry."""
    if rule.rulebook.status != Status.DRAFT:
        raise PointsRefused("已通过的细则不能修改，请拟定新版本。")
    record(actor, Action.DELETE, rule, region_path=rule.rulebook.region_path)
    rule.delete()


@transaction.atomic
def approve_rulebook(
    actor, book: Rulebook, *, approved_on: date, assembly_minutes: str, in_force_from: date
) -> Rulebook:
    """The villagers' assembly approves a draft (date and minutes recorded); it is in force
    from ``in_force_from``. Earlier approved versions become ``superseded`` (the dates still
    decide which one scores a given day).

    Side effects: the rulebook's status, earlier versions' status, one audit entry."""
    errors: dict[str, list[str]] = {}
    if not assembly_minutes.strip():
        errors["assembly_minutes"] = ["请填写村民代表大会的审议记录。"]
    if approved_on > timezone.localdate():
        errors["approved_on"] = ["大会日期不能晚于今天。"]
    if in_force_from < approved_on:
        errors["in_force_from"] = ["施行日期不能早于大会通过日期。"]
    if not book.rules.exists():
        errors.setdefault("", []).append("细则中还没有积分项目。")
    if errors:
        raise PointsRefused(errors)
    moved = Rulebook.objects.filter(pk=book.pk, status=Status.DRAFT).update(
        status=Status.APPROVED,
        approved_on=approved_on,
        assembly_minutes=assembly_minutes.strip(),
        in_force_from=in_force_from,
    )
    if moved != 1:
        raise PointsRefused("该草案已被审议，请刷新。", conflict=True)
    Rulebook.objects.filter(region_id=book.region_id, status=Status.APPROVED).exclude(
        pk=book.pk
    ).filter(in_force_from__lte=in_force_from).update(status=Status.SUPERSEDED)
    book.refresh_from_db()
    record(actor, Action.UPDATE, book, region_path=book.region_path, summary=f"{book} 大会通过")
    return book
