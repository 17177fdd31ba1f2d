"""Which role a user is acting in, for home pages and navigation."""

from accounts.models import Role, RoleAssignment


def assignments_of(user) -> list[RoleAssignment]:
    cached = getattr(user, "_lingyan_assignments", None)
    if cached is None:
        cached = list(
            user.assignments.select_related(
                "region", "organization", "grid", "member", "household", "unit"
            ).order_by("region__path", "role")
        )
        user._lingyan_assignments = cached
    return cached


def primary_assignment(user) -> RoleAssignment | None:
    """The assignment a home page is built for: the widest admin one first."""
    assignments = assignments_of(user)
    admins = [a for a in assignments if a.role == Role.ADMIN]
    if admins:
        return min(admins, key=lambda a: len(a.region.path))
    return assignments[0] if assignments else None


def home_region(user):
    """The region a user's pages start from (their primary assignment's), or 404 for an
    account without a role."""
    from django.http import Http404
    from django.utils.translation import gettext

    assignment = primary_assignment(user)
    if assignment is None:
        raise Http404(gettext("您的账号尚未分配角色。"))
    return assignment.region


def navigation(user) -> dict[str, bool | str]:
    """Which sections a user's roles use; the pages themselves still check the scope."""
    from accounts.scope import scope_for
    from open311.scope_rules import may_manage_keys

    scope = scope_for(user)
    manages = scope.is_admin or bool(scope.branch_org_paths)
    return {
        "tree": manages or bool(scope.grid_ids),
        "members": manages,
        "households": manages or bool(scope.grid_ids),
        "committees": manages,
        "transfer": manages,
        "audit": scope.is_admin,
        "accounts": scope.is_admin,
        "orglife": manages,
        # a branch account's organizational life starts from its own calendar
        "orglife_calendar": bool(scope.branch_org_paths) and not scope.is_admin,
        "attendance": bool(scope.member_ids),
        "services": True,
        "services_centre": manages,
        "registrations": manages or bool(scope.member_ids),
        "open311": may_manage_keys(scope),
        # the administration pages (Open311 keys, …) are behind 「设置」, not in the main nav
        "settings": may_manage_keys(scope),
        "incidents": manages or bool(scope.grid_ids) or bool(scope.unit_ids),
        # the points system opens where each role works in it (a view name, or "")
        "points": (
            "points_reports:tally"
            if manages
            else "points:proposals"
            if scope.grid_ids
            else "points:mine"
            if scope.household_ids or scope.member_ids
            else "points:store_home"
            if scope.clerk_paths
            else ""
        ),
    }


def region_path_of(user) -> str:
    """Where a user's audit entries are placed: their primary assignment's region, so the
    admins above them see them ("" for an account without a role: superusers only)."""
    if user is None:
        return ""
    assignment = primary_assignment(user)
    return assignment.region.path if assignment else ""


def nav_items(user, view_name: str, nav: dict | None = None) -> list[dict]:
    """The main navigation of a user's roles, in order: each item's label (the title of the
    page it opens), url and whether the current page belongs to it. The inbox is not here:
    the header carries it, with the unread count, on every screen."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    nav = nav if nav is not None else navigation(user)
    name = view_name or ""
    items: list[tuple[str, str, bool]] = [
        (_("首页"), reverse("accounts:home"), name == "accounts:home")
    ]

    def add(label: str, url_name: str, active: bool, *args) -> None:
        items.append((label, reverse(url_name, args=args), active))

    if nav["tree"]:
        add(_("组织架构"), "orgs:tree", "tree" in name or name in ORG_PAGES)
    if nav["members"]:
        add(_("党员"), "orgs:members", "member" in name and name != "orglife:my_attendance")
    if nav["households"]:
        add(_("农户"), "orgs:households", "household" in name)
    if nav["committees"]:
        add(_("两委结构"), "orgs:committees", "committee" in name)
    if nav["transfer"]:
        add(_("导入导出"), "orgs:transfer", "transfer" in name)
    if nav["orglife"]:
        add(
            _("组织生活"),
            "orglife:calendar" if nav["orglife_calendar"] else "orglife:centre",
            name.startswith("orglife:") and name != "orglife:my_attendance",
        )
    if nav["attendance"]:
        add(_("我的组织生活"), "orglife:my_attendance", name == "orglife:my_attendance")
    if nav["points"] and (nav["points"] != "points:store_home" or _has_store(user)):
        add(
            _("积分"),
            str(nav["points"]),
            name.startswith("points:") or name.startswith("points_reports:"),
        )
    if nav["incidents"]:
        add(_("网格事件"), "incidents:list", name.startswith("incidents:"))
    if nav["services"]:
        add(_("服务诉求"), "services:requests", name.startswith("services:request"))
    if nav["services_centre"]:
        add(_("服务诉求指挥中心"), "services:centre", name == "services:centre")
    if nav["services"]:
        add(_("微心愿"), "services:wishes", name.startswith("services:wish"))
        add(
            _("服务目录"),
            "services:catalogue",
            name.startswith("services:catalogue") or name == "services:item",
        )
    if nav["members"]:
        add(_("查询"), "search:search", name == "search:search")
    if nav["accounts"]:
        add(
            _("账号"),
            "accounts:account_list",
            name.startswith(("accounts:account_", "accounts:roster"))
            or name in {"accounts:issue", "accounts:coverage"},
        )
    if nav["audit"]:
        add(_("审计日志"), "audit:list", name == "audit:list")
    if nav["settings"]:
        add(
            _("设置"),
            "accounts:settings",
            name == "accounts:settings" or name.startswith("open311:"),
        )
    return [{"label": label, "url": url, "active": active} for label, url, active in items]


def _has_store(user) -> bool:
    """A clerk's points section is their store: no store yet, no link to a 404."""
    from accounts.scope import visible
    from points.models import Store

    return visible(user, Store, write=True).exists()


ORG_PAGES = {"orgs:region", "orgs:grid", "orgs:organization"}
