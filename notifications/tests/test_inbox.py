from django.utils import timezone

from notifications.domain import notify
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


def test_it_marks_a_message_read_when_opened_and_goes_where_it_points(world, login):
    notify([world.grid_worker], "incident-close:1", "您上报的事件已关闭", url="/incidents/")
    notice = Notification.objects.get(user=world.grid_worker)
    client = login(world.grid_worker)
    inbox = client.get("/inbox/").content.decode()
    assert f'href="/inbox/{notice.pk}/"' in inbox  # the row opens through the inbox
    response = client.get(f"/inbox/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == "/incidents/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_it_answers_404_for_another_persons_message_and_leaves_it_unread(world, login):
    notify([world.outsider], "k", "别人的消息", url="/")
    notice = Notification.objects.get(user=world.outsider)
    assert login(world.grid_worker).get(f"/inbox/{notice.pk}/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_it_never_redirects_off_the_site(world, login):
    notify([world.resident], "k", "外链", url="https://example.com/phish")
    notice = Notification.objects.get(user=world.resident)
    response = login(world.resident).get(f"/inbox/{notice.pk}/")
    assert response["Location"] == "/inbox/"


def test_it_searches_the_inbox_by_words(world, login):
    notify([world.resident], "a", "积分已审议通过：+5 分", "大会审议通过您家的积分")
    notify([world.resident], "b", "诉求已派单", "已派给青山旗农牧局")
    page = login(world.resident).get("/inbox/", {"q": "积分 审议"}).content.decode()
    assert "积分已审议通过" in page and "诉求已派单" not in page
    page = login(world.resident).get("/inbox/", {"q": "农牧局"}).content.decode()
    assert "诉求已派单" in page and "积分已审议通过" not in page


def test_notify_sends_one_message_per_person_and_key(world):
    notify([world.resident, world.resident.pk, None], "k", "一次")
    notify([world.resident, world.member], "k", "第二次")
    assert Notification.objects.filter(user=world.resident).count() == 1
    assert Notification.objects.get(user=world.resident).title == "一次"
    assert Notification.objects.filter(user=world.member).count() == 1


def test_the_header_shows_the_unread_count_on_every_page(world, login):
    notify([world.resident], "a", "一")
    notify([world.resident], "b", "二")
    page = login(world.resident).get("/").content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    assert 'class="inbox' in header and '消息 <span class="count">2</span>' in header
