"""Every button a role sees works: for every persona of the test world, the home page and
every link on it — the header, the navigation (with 「更多」), the to-dos and the cards —
answers 200, or redirects to a page that does."""

from dataclasses import fields
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from accounts.models import User
from tests.world import World

PERSONAS = [f.name for f in fields(World) if f.type in (User, "User")]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links_on(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    own = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another site, "#", mailto:
        if href not in own:
            own.append(href)
    return own


def test_every_persona_of_the_world_is_checked():
    assert {"county_admin", "township_admin", "branch", "grid_worker", "member"} <= set(PERSONAS)
    assert {"resident", "unit", "clerk", "outsider"} <= set(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_every_link_of_the_home_page(persona, world, client):
    client.force_login(getattr(world, persona))
    home = client.get("/", follow=True)
    assert home.status_code == 200
    hrefs = links_on(home.content.decode())
    assert hrefs, "a home page without links"
    broken = {}
    for href in hrefs:
        response = client.get(href, follow=True)
        if response.status_code != 200:
            broken[href] = response.status_code
    assert not broken, f"{persona} sees links that do not work: {broken}"


@pytest.mark.parametrize("persona", ["member", "unit", "clerk", "resident", "grid_worker"])
def test_it_offers_wo_yao_ban_shi_only_to_those_it_works_for(persona, world, client):
    """「我要办事」 on the requests page led a member, a unit and a clerk to a 404."""
    client.force_login(getattr(world, persona))
    page = client.get("/services/requests/").content.decode()
    offered = "/services/requests/new/" in links_on(page)
    works = client.get("/services/requests/new/").status_code == 200
    assert offered == works
    assert offered == (persona in ("resident", "grid_worker"))
