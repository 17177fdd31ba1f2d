from django.utils import timezone

from notifications.models import Notification


def test_inbox_shows_only_my_messages_and_marks_them_read(world, login):
    now = timezone.now()
    Notification.objects.create(user=world.branch, key="k1", title="给支部的消息", created_at=now)
    Notification.objects.create(user=world.outsider, key="k1", title="给别人的消息", created_at=now)
    client = login(world.branch)
    page = client.get("/inbox/").content.decode()
    assert "给支部的消息" in page and "给别人的消息" not in page
    client.post("/inbox/read/")
    assert Notification.objects.get(user=world.branch).read_at is not None
    assert Notification.objects.get(user=world.outsider).read_at is None
