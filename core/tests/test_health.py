"""Issue 11: a dead scheduler shows in ``/healthz``. Each sweep's last run is recorded (by
huey's task and by the management command alike) and ``/healthz`` answers ``degraded`` with
503 when one is overdue; ``?probe=web`` (the load balancer's) leaves the sweeps out."""

from datetime import UTC, datetime, timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from core import sweeps
from core.models import SweepRun

HOUR = timedelta(hours=1)
START = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def health(last, now, started=START, interval=HOUR):
    [one] = sweeps.assess({"s": interval}, {"s": last} if last else {}, now, started)
    return one.overdue


def test_it_is_fine_within_twice_the_interval_plus_grace():
    last = START + HOUR
    assert not health(last, last + 2 * HOUR + sweeps.GRACE)
    assert health(last, last + 2 * HOUR + sweeps.GRACE + timedelta(seconds=1))


def test_it_counts_from_the_start_when_nothing_ran_yet():
    assert not health(None, START + 2 * HOUR)
    assert health(None, START + 2 * HOUR + sweeps.GRACE + timedelta(minutes=1))


def test_it_gives_a_restarted_app_time_for_the_first_run():
    """A last run from before a long downtime does not make a fresh start degraded."""
    long_ago = START - timedelta(days=3)
    assert not health(long_ago, START + timedelta(minutes=5))
    assert health(long_ago, START + 3 * HOUR)


def test_it_knows_every_sweep_and_its_interval(db):
    names = {sweep.name: sweep.interval for sweep in sweeps.current_health()}
    assert names == {
        "orglife-sweep": HOUR,
        "services-overdue-sweep": HOUR,
        "incidents-escalation": timedelta(minutes=10),
    }


def test_it_records_a_run_of_each_sweep(db):
    before = timezone.now()
    call_command("orglife_sweep", stdout=StringIO())
    call_command("services_sweep", stdout=StringIO())
    call_command("incidents_escalate", stdout=StringIO())
    runs = {run.name: run for run in SweepRun.objects.all()}
    assert set(runs) == {"orglife-sweep", "services-overdue-sweep", "incidents-escalation"}
    assert all(run.last_run_at >= before and run.runs == 1 for run in runs.values())
    call_command("incidents_escalate", stdout=StringIO())
    assert SweepRun.objects.get(name="incidents-escalation").runs == 2


def test_it_records_the_scheduled_task_too(db):
    from services.tasks import overdue_sweep

    overdue_sweep.call_local()
    assert SweepRun.objects.filter(name="services-overdue-sweep").exists()


def test_it_answers_ok_with_each_sweeps_last_run(client, db):
    now = timezone.now()
    for name in ("orglife-sweep", "services-overdue-sweep", "incidents-escalation"):
        SweepRun.objects.create(name=name, last_run_at=now - timedelta(minutes=3))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {s["name"]: s["overdue"] for s in body["sweeps"]} == {
        "orglife-sweep": False,
        "services-overdue-sweep": False,
        "incidents-escalation": False,
    }
    assert all(s["last_run_at"] for s in body["sweeps"])


def test_it_answers_degraded_when_a_sweep_is_overdue(client, db, monkeypatch):
    """The consumer was killed: the escalation sweep (every ten minutes) last ran an hour ago."""
    now = timezone.now()
    monkeypatch.setattr(sweeps, "STARTED", now - timedelta(days=1))
    SweepRun.objects.create(name="orglife-sweep", last_run_at=now - timedelta(minutes=30))
    SweepRun.objects.create(name="services-overdue-sweep", last_run_at=now - timedelta(minutes=30))
    SweepRun.objects.create(name="incidents-escalation", last_run_at=now - HOUR)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == "ok"
    overdue = [s["name"] for s in body["sweeps"] if s["overdue"]]
    assert overdue == ["incidents-escalation"]
    web = client.get("/healthz?probe=web")
    assert web.status_code == 200 and web.json()["status"] == "ok"
