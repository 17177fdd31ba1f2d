"""Forms that add and change members, households and two-committee posts, for the admins
and branch accounts who manage them. Each parses with a form, calls the domain function, and
on a refusal shows the form again with everything typed kept and the reason beside it."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.scope import get_for_user, scope_for
from audit.log import Action, record
from core.pages import client_ip
from orgs.domain import people
from orgs.forms import CommitteePostForm, HouseholdForm, MemberForm
from orgs.models import CommitteePost, Household, Member, Region
from orgs.scope_rules import may_see_counts


def _require_manager(user) -> None:
    scope = scope_for(user)
    if not (scope.is_admin or scope.branch_org_paths):
        raise Http404


def _save(form, write) -> bool:
    """Run the domain write; its refusals become form errors instead of a crash."""
    try:
        write()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    except ValueError as error:
        form.add_error(None, str(error))
        return False
    return True


def _log_personal_view(request, obj) -> None:
    """An edit form shows the full ID number and phone: a logged personal-data view."""
    record(
        request.user,
        Action.VIEW_PERSONAL_DATA,
        obj,
        region_path=obj.region_path,
        changes={"fields": ["edit form"]},
        ip_address=client_ip(request),
    )


@login_required
def member_create(request):
    _require_manager(request.user)
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        created: list[Member] = []
        if _save(
            form, lambda: created.append(people.create(request.user, Member, **form.changes()))
        ):
            messages.success(request, _("已新增党员 %(name)s。") % {"name": created[0].name})
            return redirect("orgs:member", created[0].pk)
    return render(request, "orgs/edit_form.html", {"form": form, "title": _("新增党员")})


@login_required
def member_edit(request, pk: int):
    person = get_for_user(request.user, Member.objects.select_related("household"), pk, write=True)
    # The form works on a copy: the domain function compares it with the stored values.
    form = MemberForm(request.POST or None, instance=copy(person), user=request.user)
    if request.method == "POST":
        if form.is_valid() and _save(
            form, lambda: people.update(request.user, person, **form.changes())
        ):
            messages.success(request, _("已保存。"))
            return redirect("orgs:member", person.pk)
    else:
        _log_personal_view(request, person)
    return render(
        request,
        "orgs/edit_form.html",
        {"form": form, "title": _("编辑党员：%(name)s") % {"name": person.name}},
    )


@login_required
def household_create(request):
    _require_manager(request.user)
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        created: list[Household] = []
        if _save(
            form, lambda: created.append(people.create(request.user, Household, **form.changes()))
        ):
            messages.success(request, _("已新增农户 %(code)s。") % {"code": created[0].code})
            return redirect("orgs:household", created[0].pk)
    return render(request, "orgs/edit_form.html", {"form": form, "title": _("新增农户")})


@login_required
def household_edit(request, pk: int):
    household = get_for_user(request.user, Household, pk, write=True)
    form = HouseholdForm(request.POST or None, instance=copy(household), user=request.user)
    if request.method == "POST":
        if form.is_valid() and _save(
            form, lambda: people.update(request.user, household, **form.changes())
        ):
            messages.success(request, _("已保存。"))
            return redirect("orgs:household", household.pk)
    else:
        _log_personal_view(request, household)
    return render(
        request,
        "orgs/edit_form.html",
        {"form": form, "title": _("编辑农户：%(code)s") % {"code": household.code}},
    )


def _committee_village(user, pk: int) -> Region:
    village = get_for_user(user, Region, pk)
    if village.level != Region.Level.VILLAGE or not may_see_counts(user, village):
        raise Http404
    return village


@login_required
def committee_post_create(request, pk: int):
    village = _committee_village(request.user, pk)
    form = CommitteePostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post = form.save(commit=False)
        post.region = village
        if _save(form, lambda: people.save_committee_post(request.user, post)):
            messages.success(request, _("已添加 %(name)s。") % {"name": post.name})
            return redirect("orgs:committee_village", village.pk)
    return render(
        request,
        "orgs/edit_form.html",
        {"form": form, "title": _("%(village)s：添加两委成员") % {"village": village.name}},
    )


@login_required
def committee_post_edit(request, pk: int):
    post = get_for_user(request.user, CommitteePost.objects.select_related("region"), pk)
    form = CommitteePostForm(request.POST or None, instance=post)
    if request.method == "POST" and form.is_valid():
        post = form.save(commit=False)
        if _save(form, lambda: people.save_committee_post(request.user, post)):
            messages.success(request, _("已保存。"))
            return redirect("orgs:committee_village", post.region_id)
    return render(
        request,
        "orgs/edit_form.html",
        {"form": form, "title": _("编辑两委成员：%(name)s") % {"name": post.name}},
    )
