from accounts.roles import assignments_of, navigation
from notifications.models import Notification


def roles(request):
    """The signed-in user's role assignments and sections, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_assignments": assignments_of(user),
        "nav": navigation(user),
        "unread": lambda: Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
