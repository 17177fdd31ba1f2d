"""One scoping case of ``tests/test_url_scoping.py``: who may use a URL and who must get 404.
Apps list theirs in ``<app>/tests/url_cases*.py`` as ``CASES``."""

from dataclasses import dataclass
from typing import Any


@dataclass
class Case:
    route: str
    url: Any  # callable(world) -> str
    allowed: str  # persona that may use it
    outsider: str | None  # persona that must get 404 (None: every signed-in user may)
    method: str = "get"
    data: dict | None = None
    json: bool = False  # send ``data`` as a JSON body (the API's JSON endpoints)

    def send(self, client, world):
        """Make the case's request as ``client``."""
        if self.json:
            import json

            body = self.data(world) if callable(self.data) else self.data
            return getattr(client, self.method)(
                self.url(world), json.dumps(body or {}), content_type="application/json"
            )
        data = self.data(world) if callable(self.data) else self.data
        return getattr(client, self.method)(self.url(world), data or {})


def url(template: str, attr: str | None = None):
    return lambda w: template.format(getattr(w, attr).pk) if attr else template
