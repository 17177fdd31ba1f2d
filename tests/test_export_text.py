"""Typed text stays text in every Excel file Lingyan hands out (issue 11, security findings).

Every ``.xlsx`` route of the project is downloaded after the stored names, titles and
descriptions were overwritten with hostile text — a formula start and a C0 control character,
as a grid worker, resident, branch or Open311 client could type them. No cell may come out as
a formula, text that a spreadsheet would evaluate must be marked as text (``quotePrefix``)
with its visible value intact, and stored control characters must never make an export fail.
A new ``.xlsx`` route fails ``test_it_covers_every_excel_route`` until it is added here."""

from io import BytesIO

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from openpyxl import load_workbook

from tests.test_url_scoping import CASES, all_routes

HOSTILE = '=HYPERLINK("http://evil.example","点")\x01'
SHOWN = '=HYPERLINK("http://evil.example","点")'
TEXT_FIELDS = {"name", "title", "description", "head_name", "explanation", "rating_comment"}
# Files with no stored text: the blank templates.
TEMPLATES = {
    "transfer/<str:kind>/template.xlsx",
    "services/catalogue/template.xlsx",
    "accounts/roster/template.xlsx",
}
# The other tables of the routes with a ``<str:table>``.
MORE_TABLES = {
    "incidents/centre/<str:table>.xlsx": ["types", "months", "overdue"],
    "services/export/<str:table>.xlsx": ["units"],
    "orglife/export/<str:table>.xlsx": ["months"],
}
# Tables with no stored text: months and counts.
NUMBERS_ONLY = {"/orglife/export/months.xlsx", "/incidents/centre/months.xlsx"}
EXCEL_CASES = [case for case in CASES if case.route.endswith(".xlsx")]


def rows_for(route: str, world) -> None:
    """The rows an export shows, where its scoping case does not make them itself."""
    if route.startswith("incidents/"):
        from datetime import timedelta

        from django.utils import timezone

        from incidents.models import Incident
        from incidents.tests.support import reported

        reported(world)
        Incident.objects.update(deadline=timezone.now() - timedelta(days=1))  # and overdue
    if route.startswith(("points/rankings/", "points/linkages/")):
        from points.tests.reports_helpers import score

        score(world.grid_worker, world.branch, world.household, "X02", 2)


def poison_stored_text() -> None:
    """Every stored name, title and description of every app begins with ``HOSTILE``."""
    for model in apps.get_models():
        if model._meta.app_label in {"auth", "contenttypes", "sessions", "admin", "axes"}:
            continue
        for field in model._meta.concrete_fields:
            if field.name not in TEXT_FIELDS or not isinstance(
                field, models.CharField | models.TextField
            ):
                continue
            keep = (field.max_length or 10_000) - len(HOSTILE)
            model._default_manager.update(
                **{field.name: Concat(Value(HOSTILE), Substr(field.name, 1, keep))}
            )


def test_it_covers_every_excel_route():
    routes = {route for route in all_routes() if route.endswith(".xlsx")}
    assert routes == {case.route for case in EXCEL_CASES}


def _urls(case, world) -> list[str]:
    first = case.url(world)
    return [first] + [first.replace("children", t, 1) for t in MORE_TABLES.get(case.route, [])]


@pytest.mark.parametrize("case", EXCEL_CASES, ids=lambda c: c.route)
def test_it_writes_hostile_text_as_text(case, world, client):
    urls = _urls(case, world)  # builds the case's rows first
    rows_for(case.route, world)
    poison_stored_text()
    client.force_login(getattr(world, case.allowed))
    for address in urls:
        response = client.get(address)
        assert response.status_code == 200, (address, response.content[:300])
        book = load_workbook(BytesIO(response.content))
        found = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (address, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value.lstrip().startswith(
                        ("=", "+", "-", "@")
                    ):
                        assert cell.quotePrefix, (address, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and SHOWN in cell.value:
                        assert "\x01" not in cell.value
                        found += 1
        if case.route not in TEMPLATES and address.split("?")[0] not in NUMBERS_ONLY:
            assert found, f"{address}: no stored text in the file, the test proves nothing"
