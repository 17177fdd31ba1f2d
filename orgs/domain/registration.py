"""Whether an ID number may be registered by a user, saying only what the user may know.

An ID number is unique across the whole database (one person, one record), so an attempt to
register a number already held by a member outside the user's scope must fail — and the
failure alone tells that the number is registered somewhere. What Lingyan does about that:

- inside the user's scope, the duplicate is named (the user may see that member anyway);
- outside it, one neutral message (``HIDDEN_DUPLICATE``) that says neither that the number
  exists, nor where or whose it is, and every such refusal is written to the audit log at the
  user's own place, so the admins above the user see who probed which (masked) numbers;
- the Excel import answers such numbers for the file as a whole, without row numbers or a
  count, so that a file of 100,000 numbers tells at most one bit, in one audited attempt,
  instead of which of them exist.

A real person moving in from elsewhere is registered by the admin above both places (or the
other place removes them first): the message sends the user there."""

from collections.abc import Iterable

from accounts.scope import scope_for, visible
from audit.log import Action, record
from core.masking import mask_id_number
from core.paths import common_path
from orgs.models import Member

HIDDEN_DUPLICATE = "该身份证号无法由您登记，请核对号码；如确认无误，请联系上级管理员处理。"
HIDDEN_DUPLICATES_IN_FILE = (
    "文件中有身份证号无法由您登记，整份文件未导入。请核对各行的身份证号；"
    "如确认无误，请联系上级管理员处理。"
)


def visible_holder(user, id_number: str, exclude_pk: int | None = None) -> Member | None:
    """The member holding ``id_number`` whom ``user`` may see."""
    rows = visible(user, Member).filter(id_number=id_number)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.select_related("organization").first()


def hidden_holders(user, id_numbers: Iterable[str], exclude_pk: int | None = None) -> set[str]:
    """Which of ``id_numbers`` are held by members ``user`` may not see."""
    numbers = set(id_numbers)
    if not numbers:
        return set()
    rows = Member.objects.filter(id_number__in=numbers)  # scope-ok: uniqueness is database-wide
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    held = set(rows.values_list("id_number", flat=True))
    if not held:
        return set()
    seen = set(visible(user, Member).filter(id_number__in=held).values_list("id_number", flat=True))
    return held - seen


def record_refusal(user, id_numbers: Iterable[str], where: str) -> None:
    """The audit entry of a refusal, at the user's own place (masked numbers)."""
    numbers = sorted(id_numbers)
    record(
        user,
        Action.REFUSED,
        region_path=common_path(scope_for(user).place_paths),
        summary=f"{where}：{len(numbers)} 个身份证号已在其权限范围外登记，未予登记",
        changes={"where": where, "id_numbers": [mask_id_number(n) for n in numbers[:100]]},
    )
