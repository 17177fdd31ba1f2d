"""Who may see a person's full ID number and phone, and the log of every time they do.

Lists and exports show masked values. On a detail page (or ``?reveal=1`` in the API) the full
values are shown to the roles whose work needs them — admins and the branch account over
their own rows, a grid worker over the households of their grid, a person over their own
record — and each such view is written to the audit log."""

from django.utils.translation import gettext

from accounts.scope import can_write, scope_for
from audit.log import Action, record
from core.masking import mask_id_number, mask_phone
from orgs.models import Household, Member

PERSONAL_FIELDS = {
    Member: {"id_number": mask_id_number, "phone": mask_phone},
    Household: {"head_id_number": mask_id_number, "phone": mask_phone},
}


def may_reveal(user, obj: Member | Household) -> bool:
    scope = scope_for(user)
    if isinstance(obj, Member) and obj.pk in scope.member_ids:
        return True
    if isinstance(obj, Household) and (
        obj.pk in scope.household_ids or obj.grid_id in scope.grid_ids
    ):
        return True
    return can_write(user, obj)


def masked_values(obj: Member | Household) -> dict[str, str]:
    return {name: mask(getattr(obj, name)) for name, mask in PERSONAL_FIELDS[type(obj)].items()}


def reveal(user, obj: Member | Household, *, ip_address: str | None = None) -> dict[str, str]:
    """The full personal values, logged; ``PermissionError`` for roles that may not see them."""
    if not may_reveal(user, obj):
        raise PermissionError(gettext("您的角色无权查看完整个人信息。"))
    record(
        user,
        Action.VIEW_PERSONAL_DATA,
        obj,
        region_path=obj.region_path,
        changes={"fields": list(PERSONAL_FIELDS[type(obj)])},
        ip_address=ip_address,
    )
    return {name: getattr(obj, name) for name in PERSONAL_FIELDS[type(obj)]}


def labelled(
    model: type[Member] | type[Household], values: dict[str, str]
) -> list[tuple[str, str]]:
    """``[(label, value)]`` for showing ``values`` on a page, labels in the active language."""
    fields = {field.name: field for field in model._meta.fields}
    return [(str(fields[name].verbose_name), value) for name, value in values.items()]
