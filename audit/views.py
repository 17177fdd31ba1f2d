"""The audit log page: admins see the entries of their own subtree."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts.scope import scope_for, visible
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from core.pages import paginate


@login_required
def entry_list(request):
    if not scope_for(request.user).is_admin:
        raise Http404
    form = AuditFilterForm(request.GET or None)
    entries = visible(request.user, AuditEntry)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_name__contains=data["actor"].strip())
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
    return render(request, "audit/list.html", {"form": form, "page": paginate(request, entries)})
