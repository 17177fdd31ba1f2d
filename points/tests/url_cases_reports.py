"""Scoping cases for the points reports (``tests/test_url_scoping.py``): the tallies,
rankings and linkage lists are for those who manage the place (a resident or the other
township's admin gets 404); the grid's board is for whoever may see the grid — its
residents too."""

from points.tests.url_cases import an_entry, installed
from tests.url_case import Case


def village(template):
    return lambda w: (installed(w), template.format(w.village.pk))[1]


def grid(template):
    return lambda w: (installed(w), template.format(w.grid.pk))[1]


def township(template):
    return lambda w: (installed(w), template.format(w.township.pk))[1]


def objection(world):
    return {"entry": an_entry(world).pk, "reason": "该户当天没有出工"}


CASES = [
    Case("points/tally/", village("/points/tally/?region={}"), "branch", "outsider"),
    Case(
        "points/tally/export.xlsx",
        grid("/points/tally/export.xlsx?grid={}&span=month"),
        "grid_worker",
        "resident",
    ),
    Case("points/rankings/", grid("/points/rankings/?grid={}"), "grid_worker", "resident"),
    Case(
        "points/rankings/export.xlsx",
        township("/points/rankings/export.xlsx?region={}&span=year"),
        "township_admin",
        "outsider",
    ),
    Case(
        "points/linkages/<str:kind>/",
        township("/points/linkages/star/?region={}"),
        "township_admin",
        "outsider",
    ),
    Case(
        "points/linkages/<str:kind>/export.xlsx",
        village("/points/linkages/credit/export.xlsx?region={}"),
        "branch",
        "resident",
    ),
    Case("points/board/<int:pk>/", grid("/points/board/{}/"), "resident", "outsider"),
    Case(
        "points/board/<int:pk>/objections/",
        grid("/points/board/{}/objections/"),
        "resident",
        "outsider",
        method="post",
        data=objection,
    ),
    Case("points/settings/<int:pk>/", village("/points/settings/{}/"), "branch", "grid_worker"),
]
