"""Login, logout and the home page of each role."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts import throttle
from accounts.domain import coverage, lockouts, tokens
from accounts.forms import LoginForm
from accounts.models import Role, User
from accounts.roles import assignments_of, primary_assignment
from accounts.scope import get_for_user, scope_for, visible
from audit.models import AuditEntry
from core.pages import paginate
from core.todos import todos_for
from incidents import views as incident_pages
from orglife import views as orglife_pages
from orgs.domain import committees
from orgs.domain.counts import child_counts, subtree_counts
from orgs.models import Grid, Household, Member
from points import views as points_pages
from points.models import Store
from services import views as services_pages


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        """A locked-out account or address (``accounts.throttle``) gets 429, how long to
        wait in words and in ``Retry-After``; the typed username stays."""
        if not throttle.is_locked_out(self.request):
            return super().form_invalid(form)
        seconds = throttle.retry_after(self.request, form.data.get("username"))
        form.errors[NON_FIELD_ERRORS] = form.error_class([throttle.lockout_message(seconds)])
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(seconds)
        return response


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def home(request):
    """Each role lands on what it works with: admins and branches on their part of the tree,
    a grid worker on the grid, a member or resident on their own record."""
    assignment = primary_assignment(request.user)
    context = {"assignment": assignment}
    if assignment is None:
        return render(request, "accounts/home_none.html", context)
    role = assignment.role
    today = timezone.localdate()
    context["todos"] = todos_for(request.user, assignment)
    if role == Role.ADMIN:
        region = assignment.region
        total, _ = committees.rollup(region, today)
        context |= {
            "region": region,
            "totals": subtree_counts(region),
            "children": child_counts(region),
            "committee_total": total,
            "recent": visible(request.user, AuditEntry).select_related("actor")[:8],
        } | orglife_pages.admin_summary(request.user, region)
        context |= incident_pages.admin_summary(request.user, region)
        context["accounts_missing"] = {
            "organizations": coverage.missing_organizations(region).count(),
            "grids": coverage.missing_grids(region).count(),
        }
    elif role == Role.BRANCH:
        organization = assignment.organization
        context |= {
            "organization": organization,
            "member_count": visible(request.user, Member).count(),
            "grids": visible(request.user, Grid).filter(organization=organization),
            "household_count": visible(request.user, Household).count(),
        } | orglife_pages.branch_summary(request.user, organization)
        context |= points_pages.branch_summary(request.user) | {
            "points_village": assignment.region,
            # the village's love supermarket, once it is open (the button would 404 before)
            "points_store": visible(request.user, Store, write=True)
            .filter(region_path=assignment.region.path)
            .exists(),
        }
    elif role == Role.GRID_WORKER:
        context |= {
            "grid": assignment.grid,
            "households": visible(request.user, Household)
            .filter(grid=assignment.grid)
            .select_related("liaison")[:20],
            "household_count": visible(request.user, Household)
            .filter(grid=assignment.grid)
            .count(),
        } | incident_pages.grid_worker_summary(request.user)
    elif role == Role.MEMBER:
        member = assignment.member
        context |= {
            "person": member,
            "liaison_households": visible(request.user, Household).filter(liaison=member),
        }
    elif role == Role.RESIDENT:
        context |= {"household": assignment.household}
    elif role == Role.UNIT:
        context |= {"unit": assignment.unit}
    elif role == Role.CLERK and visible(request.user, Store, write=True).exists():
        return redirect("points:store_home")  # the clerk's home is the love supermarket
    context |= services_pages.home_summary(request.user, role, assignment)
    return render(request, f"accounts/home_{role}.html", context)


# --- my account, API tokens, login security -------------------------------------------------


@login_required
def me(request):
    """My account: who I am, my roles, and my API tokens, each revocable."""
    return render(
        request,
        "accounts/me.html",
        {
            "assignments": assignments_of(request.user),
            "tokens": request.user.api_tokens.all()[:50],
            "now": timezone.now(),
            "token_days": settings.API_TOKEN_DAYS,
        },
    )


@login_required
@require_POST
def my_token_revoke(request, pk: int):
    token = request.user.api_tokens.filter(pk=pk).first()
    if token is None:
        raise Http404
    _revoked_message(request, tokens.revoke(request.user, token))
    return redirect("accounts:me")


def _revoked_message(request, revoked: bool) -> None:
    if revoked:
        messages.success(request, gettext("访问令牌已撤销，使用它的客户端需要重新登录。"))
    else:
        messages.info(request, gettext("该令牌此前已失效。"))


@login_required
def user_tokens(request, pk: int):
    """An admin's view of the API tokens of an account wholly inside their subtree."""
    account = get_for_user(request.user, User, pk, write=True)
    return render(
        request,
        "accounts/user_tokens.html",
        {
            "account": account,
            "assignments": assignments_of(account),
            "tokens": account.api_tokens.all()[:50],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def user_token_revoke(request, pk: int, token_pk: int):
    account = get_for_user(request.user, User, pk, write=True)
    token = account.api_tokens.filter(pk=token_pk).first()
    if token is None:
        raise Http404
    _revoked_message(request, tokens.revoke(request.user, token))
    return redirect("accounts:user_tokens", pk=account.pk)


@login_required
def security(request):
    """Login security of the admin's subtree: accounts locked by failed logins (with an
    unlock button where the admin may change the account) and the recent failed logins and
    lockouts, which are placed at the account's region (``accounts.signals``)."""
    if not scope_for(request.user).is_admin:
        raise Http404
    locked = list(
        visible(request.user, User).filter(username__in=throttle.locked_usernames())[:200]
    )
    writable = set(
        visible(request.user, User, write=True)
        .filter(pk__in=[u.pk for u in locked])
        .values_list("pk", flat=True)
    )
    entries = visible(request.user, AuditEntry).filter(
        action__in=[AuditEntry.Action.LOGIN_FAILED, AuditEntry.Action.LOCKOUT]
    )
    return render(
        request,
        "accounts/security.html",
        {
            "locked": [(u, u.pk in writable) for u in locked],
            "page": paginate(request, entries),
            "cooloff": settings.LOGIN_COOLOFF_MINUTES,
            "per_account": settings.LOGIN_FAILURES_PER_ACCOUNT,
            "per_address": settings.LOGIN_FAILURES_PER_ADDRESS,
        },
    )


@login_required
@require_POST
def unlock(request, pk: int):
    account = get_for_user(request.user, User, pk, write=True)
    if lockouts.unlock(request.user, account):
        messages.success(
            request, gettext("已解除 %(user)s 的登录锁定。") % {"user": account.username}
        )
    else:
        messages.info(request, gettext("该账号当前没有被锁定。"))
    return redirect("accounts:security")


@login_required
def settings_page(request):
    """The administration pages a user's roles use (the county's Open311 keys, …), kept out
    of the main navigation; an account with none sees that there is nothing to set."""
    return render(request, "accounts/settings.html")
