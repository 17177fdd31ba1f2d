"""The demo client: the well-known key works, and with a catalogue its requests arrive
through the real path, spread over the last weeks, all in the county's villages."""

from collections import Counter

from django.utils import timezone

from demo.open311 import DEMO_KEY, REQUESTS, load_open311
from open311.domain.keys import authenticate
from services.models import ServiceRequest
from services.tests.factories import make_catalogue


def test_it_issues_the_demo_key_and_posts_requests(world, client):
    make_catalogue(world.county)
    rows = load_open311(world.county, seed=7, now=timezone.now())
    assert authenticate(DEMO_KEY).region == world.county
    assert rows[ServiceRequest._meta.db_table] == REQUESTS
    requests = ServiceRequest.objects.filter(source="open311")
    assert requests.count() == REQUESTS
    assert all(r.region_path.startswith(world.county.path) for r in requests)
    ages = Counter((timezone.now() - r.submitted_at).days // 30 for r in requests)
    assert len(ages) > 1  # spread over weeks, not all at once
    assert len(client.get("/open311/v2/requests.json").json()) > 0


def test_without_a_catalogue_it_issues_only_the_key(world):
    rows = load_open311(world.county, seed=7, now=timezone.now())
    assert authenticate(DEMO_KEY) is not None
    assert ServiceRequest.objects.count() == 0 and rows["services_servicerequest"] == 0
