"""Login, logout and the home page of each role."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.domain import coverage
from accounts.forms import LoginForm
from accounts.models import Role
from accounts.roles import primary_assignment
from accounts.scope import visible
from audit.models import AuditEntry
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
        context |= points_pages.branch_summary(request.user) | {"points_village": assignment.region}
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
