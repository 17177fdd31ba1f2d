"""The signed-in user's inbox; nobody sees anyone else's messages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.pages import paginate
from notifications.domain import inbox_of, mark_read
from notifications.models import Notification


@login_required
def inbox(request):
    query = request.GET.get("q", "").strip()[:100]
    rows = inbox_of(request.user, query)
    return render(
        request, "notifications/inbox.html", {"page": paginate(request, rows), "query": query}
    )


@login_required
def open_notification(request, pk: int):
    """Opening a message marks it read and goes where it points (the inbox when it points
    nowhere, or somewhere off this site). Another person's message is a 404."""
    notice = mark_read(request.user, pk)
    if notice is None:
        raise Http404
    target = notice.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications:inbox")
