"""The points system's to-dos for the home page (see ``core.todos``): a village's branch
reviews the proposals waiting at each step and decides the open objections, all on its
review page."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import Role
from accounts.scope import visible
from core.todos import Todo, todo_provider
from points.domain import proposals
from points.models import Objection, PointProposal


@todo_provider
def review_todos(user, assignment) -> list[Todo]:
    if assignment.role != Role.BRANCH:
        return []
    village = assignment.region
    url = f"{reverse('points:review')}?region={village.pk}"
    area = gettext("积分")
    waiting = (
        visible(user, PointProposal, write=True)
        .filter(region=village, status__in=proposals.REVIEWING)
        .aggregate(n=Count("pk"))["n"]
    )
    objections = (
        visible(user, Objection, write=True)
        .filter(status=Objection.Status.OPEN, region_path__startswith=village.path)
        .count()
    )
    return [
        Todo(area, gettext("待决定的积分异议"), objections, url, urgent=True),
        Todo(area, gettext("待审核的采分"), waiting, url),
    ]
