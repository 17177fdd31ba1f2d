"""The global search of admins and branch accounts (/search/): party members, households and
organizations by name or code, each within what the user may read (``visible()``). At most
``LIMIT`` rows of each kind and a fixed number of queries whatever is found; no ID number or
phone is shown (the detail pages mask and reveal them as everywhere else)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_for, visible
from core.search import search as search_rows
from core.search import words
from orgs.models import Household, Member, Organization

LIMIT = 20

# What each kind is found by (core.search: every word must match one of them).
MEMBER_SEARCHED = ["name", "organization__name"]
HOUSEHOLD_SEARCHED = ["head_name", "code", "address"]
ORGANIZATION_SEARCHED = ["name", "code"]


def may_search(user) -> bool:
    scope = scope_for(user)
    return scope.is_admin or bool(scope.branch_org_paths)


@login_required
def search(request):
    if not may_search(request.user):
        raise Http404
    text = (request.GET.get("q") or "")[:100]
    groups = []
    if words(text):
        members = search_rows(
            visible(request.user, Member).select_related("organization"),
            text,
            MEMBER_SEARCHED,
            number=None,
        ).order_by("name", "pk")
        households = search_rows(
            visible(request.user, Household).select_related("grid"),
            text,
            HOUSEHOLD_SEARCHED,
            number=None,
        ).order_by("head_name", "pk")
        organizations = search_rows(
            visible(request.user, Organization), text, ORGANIZATION_SEARCHED, number=None
        ).order_by("path")
        groups = [
            ("members", _("党员"), list(members[: LIMIT + 1])),
            ("households", _("农户"), list(households[: LIMIT + 1])),
            ("organizations", _("党组织"), list(organizations[: LIMIT + 1])),
        ]
    template = "search/_results.html" if request.headers.get("HX-Request") else "search/search.html"
    return render(
        request,
        template,
        {"q": text, "groups": groups, "limit": LIMIT, "searched": bool(words(text))},
    )
