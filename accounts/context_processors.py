from accounts.roles import assignments_of, nav_items, navigation
from notifications.domain import unread_count

# On a phone the main navigation shows this many items; the rest fold under 「更多」.
PHONE_NAV_ITEMS = 4


def roles(request):
    """The signed-in user's role assignments and sections, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    sections = navigation(user)
    items = nav_items(user, match.view_name if match else "", sections)
    # 「更多」 holding a single item would hide it for nothing: then all fit on one line
    shown = PHONE_NAV_ITEMS if len(items) > PHONE_NAV_ITEMS + 1 else len(items)
    return {
        "my_assignments": assignments_of(user),
        "nav": sections,
        "nav_items": items,
        "nav_first": items[:shown],
        "nav_more": items[shown:],
        "unread": lambda: unread_count(user),
    }
