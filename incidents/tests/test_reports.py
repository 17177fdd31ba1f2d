"""Reporting from a phone: the form, photos, the offline queue's exactly-once, the duplicate
candidates, and refused input that keeps what was typed."""

import pytest
from django.utils import timezone

from incidents.models import Incident, IncidentEvent
from incidents.tests.support import install, jpeg, reported


@pytest.fixture
def types(world):
    return install(world)


def form(types, **extra):
    return {
        "type": types["flood_disaster"].pk,
        "description": "河道水位上涨，漫过村南便桥",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "latitude": "43.123456",
        "longitude": "121.654321",
        **extra,
    }


def test_it_reports_with_a_photo_and_gps(world, types, login):
    client = login(world.grid_worker)
    page = client.get("/incidents/new/").content.decode()
    assert "data-offline=" in page and 'name="client_key"' in page and "offline.js" in page
    response = client.post("/incidents/new/", {**form(types), "photos": [jpeg()]})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.grid == world.grid and incident.state.code == "reported"
    assert str(incident.latitude) == "43.123456" and incident.photos.count() == 1
    assert incident.deadline == incident.reported_at + types["flood_disaster"].time_limit
    assert list(incident.events.values_list("action", flat=True)) == ["report"]


def test_it_creates_one_incident_for_a_repeated_client_key(world, types, login):
    client = login(world.grid_worker)
    first = client.post("/incidents/new/", form(types, client_key="k-1"))
    again = client.post("/incidents/new/", form(types, client_key="k-1"))
    assert Incident.objects.count() == 1
    assert again.status_code == 302 and again["Location"] == first["Location"]
    client.post("/incidents/new/", form(types, client_key="k-2"))
    assert Incident.objects.count() == 2


def test_a_repeat_meets_the_constraint_and_gets_the_first(world, types):
    """No look-up before saving: the repeat's insert hits the unique key, rolls back (no
    second history row or audit entry) and answers the first incident — also when the
    repeat would now be refused."""
    from audit.models import AuditEntry
    from incidents.domain.reports import ReportInput, ReportRefused, report_incident

    first = reported(world, client_key="again")
    audits = AuditEntry.objects.count()

    def repeat(**fields):
        data = ReportInput(
            type=types["safety_hazard"], grid=world.grid, description="村东桥头护栏松动",
            occurred_at=timezone.now(), client_key="again", **fields,
        )  # fmt: skip
        return report_incident(world.grid_worker, data)

    assert repeat() == (first, False)
    types["safety_hazard"].active = False  # switched off since: a new key is refused
    assert repeat() == (first, False)
    assert Incident.objects.count() == 1 and IncidentEvent.objects.count() == 1
    assert AuditEntry.objects.count() == audits
    with pytest.raises(ReportRefused):
        report_incident(world.grid_worker, ReportInput(
            type=types["safety_hazard"], grid=world.grid, description="x",
            occurred_at=timezone.now(), client_key="new",
        ))  # fmt: skip


def test_the_same_key_from_another_reporter_is_another_report(world, types, login):
    from tests.world import make_user

    other = make_user("gridder2", "grid_worker", world.village, grid=world.grid)
    login(world.grid_worker).post("/incidents/new/", form(types, client_key="same"))
    login(other).post("/incidents/new/", form(types, client_key="same"))
    assert Incident.objects.count() == 2


def test_a_refused_report_keeps_what_was_typed(world, types, login):
    client = login(world.grid_worker)
    response = client.post(
        "/incidents/new/", form(types, description="", photos=[jpeg()], latitude="91")
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Incident.objects.exists()
    assert "43.123456" not in page or "91" in page
    assert "请重新选择照片" not in page  # the photo is kept on the server instead
    bad_photo = client.post("/incidents/new/", {**form(types), "photos": [jpeg("x.jpg")]})
    assert bad_photo.status_code == 302
    text = client.post("/incidents/new/", form(types, description="水位上涨", occurred_at="x"))
    assert "水位上涨" in text.content.decode()


def kept_tokens(page: str) -> list[str]:
    import re

    return re.findall(r'name="photos_kept" value="([^"]+)"', page)


def test_a_refused_report_keeps_the_photos_for_the_resubmit(world, types, login):
    """The checked photos of a refused report come back as thumbnails with a ticked box;
    the resubmit attaches them without choosing them again, and the pending files go."""
    from django.core.files.storage import default_storage

    client = login(world.grid_worker)
    refused = client.post("/incidents/new/", form(types, description="", photos=[jpeg()]))
    page = refused.content.decode()
    tokens = kept_tokens(page)
    assert refused.status_code == 200 and len(tokens) == 1 and "checked" in page
    thumbnail = client.get(f"/photos/pending/{tokens[0]}/")
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    assert login(world.township_admin).get(f"/photos/pending/{tokens[0]}/").status_code == 404
    client = login(world.grid_worker)
    again = client.post("/incidents/new/", form(types, photos_kept=tokens))
    incident = Incident.objects.get()
    assert again.status_code == 302 and incident.photos.count() == 1
    assert default_storage.listdir("pending-photos")[1] == []
    assert client.get(f"/photos/pending/{tokens[0]}/").status_code == 404


def test_unticking_a_kept_photo_removes_it_and_a_forged_token_is_ignored(world, types, login):
    client = login(world.grid_worker)
    page = client.post("/incidents/new/", form(types, description="", photos=[jpeg()]))
    assert kept_tokens(page.content.decode())
    client.post("/incidents/new/", form(types, photos_kept=["forged:token"]))
    assert Incident.objects.get().photos.count() == 0


def test_another_users_token_is_not_attached(world, types, login):
    from tests.world import make_user

    other = make_user("gridder2", "grid_worker", world.village, grid=world.grid)
    page = login(world.grid_worker).post(
        "/incidents/new/", form(types, description="", photos=[jpeg()])
    )
    tokens = kept_tokens(page.content.decode())
    login(other).post("/incidents/new/", form(types, photos_kept=tokens))
    assert Incident.objects.get().photos.count() == 0


def test_the_confirmation_names_the_new_incident(world, types, login):
    client = login(world.grid_worker)
    response = client.post("/incidents/new/", form(types), follow=True)
    incident = Incident.objects.get()
    page = response.content.decode()
    assert "事件已上报" in page and f"编号 {incident.pk}" in page
    assert "标记重复" not in page  # never one's own report


def test_required_fields_are_marked(world, types, login):
    page = login(world.grid_worker).get("/incidents/new/").content.decode()
    for label in ("事件类型", "事件描述", "发生时间"):
        assert f'{label} <span class="bad required-mark"' in page
    assert '现场照片 <span class="bad required-mark"' not in page


def test_only_grid_workers_report(world, types, login):
    assert login(world.township_admin).get("/incidents/new/").status_code == 404
    assert login(world.resident).post("/incidents/new/", form(types)).status_code == 404


def test_it_shows_open_incidents_of_the_same_type_before_sending(world, types, login):
    existing = reported(world, "flood_disaster", description="村南便桥被水漫过")
    reported(world, "dispute", description="宅基地纠纷")
    client = login(world.grid_worker)
    url = f"/incidents/candidates/?type={types['flood_disaster'].pk}&grid={world.grid.pk}"
    page = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "村南便桥被水漫过" in page and "宅基地纠纷" not in page
    assert f"/incidents/{existing.pk}/#follow-up" in page
    none = client.get(f"/incidents/candidates/?type={types['epidemic'].pk}").content.decode()
    assert "村南便桥" not in none


def test_it_adds_a_follow_up_instead_of_a_duplicate(world, types, login):
    incident = reported(world, "flood_disaster")
    client = login(world.grid_worker)
    response = client.post(
        f"/incidents/{incident.pk}/follow-up/", {"note": "水位又涨了 20 厘米", "photos": [jpeg()]}
    )
    assert response.status_code == 302 and Incident.objects.count() == 1
    event = incident.events.get(action=IncidentEvent.Action.FOLLOW_UP)
    assert event.note == "水位又涨了 20 厘米" and event.photos.count() == 1
    empty = client.post(f"/incidents/{incident.pk}/follow-up/", {"note": ""})
    assert empty.status_code == 422 and "请填写补充情况" in empty.content.decode()


def test_a_refused_follow_up_keeps_its_photo(world, types, login):
    import re

    incident = reported(world, "flood_disaster")
    client = login(world.grid_worker)
    refused = client.post(
        f"/incidents/{incident.pk}/follow-up/", {"note": "水位\x01", "photos": [jpeg()]}
    )
    kept = re.findall(r'name="photos_kept" value="([^"]+)"', refused.content.decode())
    assert refused.status_code == 422 and len(kept) == 1
    client.post(f"/incidents/{incident.pk}/follow-up/", {"note": "水位回落", "photos_kept": kept})
    event = incident.events.get(action=IncidentEvent.Action.FOLLOW_UP)
    assert event.photos.count() == 1


def test_an_open_emergency_is_preselected(world, types, login):
    from incidents.tests.support import an_emergency

    emergency = an_emergency(world)
    page = login(world.grid_worker).get("/incidents/new/").content.decode()
    assert f'<option value="{emergency.pk}" selected>' in page
