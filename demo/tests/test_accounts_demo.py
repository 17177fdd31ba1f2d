"""The demo county's accounts: one for every organization and every grid (一支部一账号,
网格员专属账号), with usernames derived from codes; the documented logins stay."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from accounts.domain import coverage
from accounts.models import Role, RoleAssignment
from demo.logins import PASSWORD
from orgs.models import Grid, Organization, Region


def login_request():
    """Axes (login throttling) needs the request a sign-in comes with."""
    return RequestFactory().post("/login/")


pytestmark = pytest.mark.django_db


def test_every_organization_and_grid_of_the_demo_county_has_an_account():
    call_command("load_demo", "--scale", "tiny", stdout=StringIO())
    county = Region.objects.get(level=Region.Level.COUNTY)
    assert not coverage.missing_organizations(county).exists()
    assert not coverage.missing_grids(county).exists()
    branch_accounts = RoleAssignment.objects.filter(role=Role.BRANCH)
    assert branch_accounts.count() == Organization.objects.count()
    assert RoleAssignment.objects.filter(role=Role.GRID_WORKER).count() == Grid.objects.count()
    demo_org = RoleAssignment.objects.get(user__username="demo-branch").organization_id
    organization = Organization.objects.exclude(pk=demo_org).order_by("-path").first()
    username = f"b-{organization.code}".lower()
    assert authenticate(login_request(), username=username, password=PASSWORD) is not None
    grid = Grid.objects.order_by("-code").first()
    assert (
        authenticate(login_request(), username=f"g-{grid.code}".lower(), password=PASSWORD)
        is not None
    )
    # the documented logins are still there, acting for their own branch and grid
    demo_branch = authenticate(login_request(), username="demo-branch", password=PASSWORD)
    demo_grid = authenticate(login_request(), username="demo-grid", password=PASSWORD)
    assert demo_branch.assignments.get().role == Role.BRANCH
    assert demo_grid.assignments.get().role == Role.GRID_WORKER
    assert not demo_branch.must_change_password
