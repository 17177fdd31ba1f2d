"""The role homes: the admin's cards are siblings (no card nested in another), the user's
to-dos come first with counts equal to what their links list, and the unit's 「待接单」 opens
the new work."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from core.todos import todos_for
from services.domain import requests as service_requests
from services.models import ServiceRequest
from services.tests.factories import make_catalogue


class Cards(HTMLParser):
    """Which headings sit inside a ``.card`` (or a table) of another section."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "area", "col"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.nested: list[str] = []
        self.in_h2 = False
        self.heading = ""

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.stack.append((tag, dict(attrs).get("class") or ""))
        if tag == "h2":
            self.in_h2, self.heading = True, ""

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            open_tag, _cls = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "h2":
            self.in_h2 = False
            inside = [cls for _t, cls in self.stack if "card" in cls.split()]
            if inside:
                self.nested.append(self.heading.strip())

    def handle_data(self, data):
        if self.in_h2:
            self.heading += data


@pytest.mark.parametrize("persona", ["county_admin", "township_admin", "branch", "unit"])
def test_it_keeps_every_card_of_the_home_a_sibling(persona, world, login):
    page = login(getattr(world, persona)).get("/").content.decode()
    parser = Cards()
    parser.feed(page)
    assert parser.nested == [], f"headings nested inside a card: {parser.nested}"
    main = page[page.index("<main>") : page.index("</main>")]
    assert main.count("<div") == main.count("</div>")


def a_request(world, catalogue, title="高龄津贴申领"):
    item = next(i for i in catalogue.items if i.name == title)
    return service_requests.submit_request(
        world.resident,
        service_requests.RequestInput(description="申请", item=item, household=world.household),
    )


def test_it_opens_the_units_new_work_and_counts_what_it_shows(world, login):
    catalogue = make_catalogue(world.county)
    new_ones = [a_request(world, catalogue) for _ in range(2)]
    for r in new_ones:
        service_requests.dispatch(world.branch, r, world.unit_org)
    overdue = a_request(world, catalogue)
    service_requests.dispatch(world.branch, overdue, world.unit_org)
    service_requests.accept(world.unit, overdue)
    ServiceRequest.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(days=1))

    client = login(world.unit)
    home = client.get("/").content.decode()
    link = f"/services/requests/?unit={world.unit_org.pk}&status=dispatched"
    assert f'<a href="{link}">待接单 2 件</a>' in home
    listed = client.get(link).content.decode()
    assert listed.count('href="/services/requests/') - listed.count("/services/requests/new/") >= 2
    assert all(f"/services/requests/{r.pk}/" in listed for r in new_ones)
    assert f"/services/requests/{overdue.pk}/" not in listed
    # and on the home the new work is listed before the overdue accepted one
    assert home.index(f"/services/requests/{new_ones[0].pk}/") < home.index(
        f"/services/requests/{overdue.pk}/"
    )


def test_it_puts_the_to_dos_first_with_counts_equal_to_their_lists(world, login):
    from accounts.roles import primary_assignment

    catalogue = make_catalogue(world.county)
    for _ in range(3):
        a_request(world, catalogue)
    client = login(world.township_admin)
    home = client.get("/").content.decode()
    main = home[home.index("<main>") :]
    assert main.index("待办") < main.index("<h2>组织生活</h2>")  # to-dos before the cards
    todos = todos_for(world.township_admin, primary_assignment(world.township_admin))
    [dispatch] = [t for t in todos if t.label == "待派单的诉求"]
    assert dispatch.count == 3
    listed = client.get(dispatch.url).context["page"].paginator.count
    assert listed == dispatch.count


def test_a_role_with_nothing_to_do_is_told_so(world, login):
    page = login(world.branch).get("/").content.decode()
    assert "暂无待办事项" in page
