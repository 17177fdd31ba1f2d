"""The demo's services at the tiny scale: seed 003's catalogue and centres, requests whose
figures are seed 002's, and the demo logins' stories."""

from datetime import date

import pytest
from django.db.models import Count

from accounts.models import User
from demo import loader
from orgs.models import Region
from services.domain.figures import node_figures
from services.models import (
    RequestStatus,
    ServiceCentre,
    ServiceItem,
    ServiceRequest,
    Wish,
    WishStatus,
)

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 11, 18)


@pytest.fixture
def demo():
    loader.load("tiny", 1, as_of=AS_OF)


def test_the_catalogue_has_seed_003s_size(demo):
    kinds = dict(ServiceItem.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds == {"public_service": 108, "approval": 96}
    assert ServiceItem.objects.values("category").distinct().count() == 13
    assert ServiceCentre.objects.filter(level="county").count() == 1


def test_requests_have_a_history_ending_in_their_state_and_seed_002s_figures(demo):
    county = Region.objects.filter(level="county").order_by("path").first()
    figures, _children = node_figures(ServiceRequest.objects.all(), county)
    assert figures.total > 3000
    assert 0.93 <= figures.quick_completion_rate <= 0.98
    assert 4.4 <= figures.rating_average <= 4.8
    for status in RequestStatus.values:
        assert figures.count(status) > 0, status
    for request in ServiceRequest.objects.order_by("?")[:50]:
        assert request.events.order_by("at", "id").last().to_status == request.status


def test_the_demo_logins_have_their_stories(demo):
    resident = User.objects.get(username="demo-resident")
    unit = User.objects.get(username="demo-unit").assignments.get().unit
    mine = ServiceRequest.objects.filter(household__assignments__user=resident)
    assert mine.filter(status=RequestStatus.DONE).exists()
    assert ServiceRequest.objects.filter(unit=unit, status=RequestStatus.DISPATCHED).count() >= 5
    assert Wish.objects.filter(status=WishStatus.CONFIRMED).count() > Wish.objects.count() / 2
