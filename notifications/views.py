"""The signed-in user's inbox; nobody sees anyone else's messages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.pages import paginate
from notifications.models import Notification


@login_required
def inbox(request):
    rows = Notification.objects.filter(user=request.user)
    return render(request, "notifications/inbox.html", {"page": paginate(request, rows)})


@login_required
@require_POST
def mark_all_read(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications:inbox")
