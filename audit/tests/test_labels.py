"""The audit log reads as a person would say it: the kind of object by its name, the fields
by their labels, states by their labels — not ``services.ServiceRequest`` and raw lists."""

from audit.log import Action, record


def test_it_shows_model_names_and_state_labels(world, login):
    record(
        world.county_admin,
        Action.UPDATE,
        world.county_admin,
        region_path=world.county.path,
        changes={"is_active": [True, False]},
    )
    from services.models import ServiceRequest

    entry = record(
        world.county_admin, Action.UPDATE, world.county_admin, region_path=world.county.path
    )
    entry.model = ServiceRequest._meta.label
    entry.changes = {"status": ["submitted", "dispatched"]}
    entry.save()
    page = login(world.county_admin).get("/audit/").content.decode()
    assert "accounts.User" not in page and "services.ServiceRequest" not in page
    assert "服务诉求" in page and "用户" in page
    assert "状态：待派单 → 待接单" in page
    assert "[&#x27;submitted&#x27;" not in page and "['submitted'" not in page


def test_it_names_an_incidents_states_instead_of_their_codes(world):
    from audit.models import AuditEntry
    from incidents.domain import moves
    from incidents.tests.support import resolved

    incident = resolved(world)
    moves.close(world.township_admin, incident)
    entry = AuditEntry.objects.filter(model="incidents.Incident").order_by("-pk").first()
    assert entry is not None and entry.model_display != "incidents.Incident"
    [state] = [line for line in entry.change_lines if line["field"] == "状态"]
    assert state["old"] != "resolved" and state["new"] != "closed"
    assert state["new"] == "已核实关闭"
