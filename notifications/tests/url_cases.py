"""Scoping cases for the inbox: every user has one and sees only their own (see
``test_inbox.py``); one message opens for its owner and is a 404 for anyone else."""

from tests.url_case import Case, url


def a_message_for_the_resident(world) -> str:
    from notifications.domain import notify
    from notifications.models import Notification

    notify([world.resident], "case", "给居民的消息", url="/")
    return f"/inbox/{Notification.objects.get(user=world.resident, key='case').pk}/"


CASES = [
    Case("inbox/", url("/inbox/"), "resident", None),
    Case("inbox/<int:pk>/", a_message_for_the_resident, "resident", "outsider"),
    Case("inbox/read/", url("/inbox/read/"), "resident", None, method="post"),
]
