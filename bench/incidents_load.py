"""Load benchmark of incident submission (issue 4): the API's report endpoint (JSON, no
photo, a bearer token, a new idempotency key per request) against two trivial JSON endpoints
of the same app — ``GET /healthz`` (no sign-in, one ``SELECT 1``) and ``GET /api/grids/<id>``
(the worker's own grid, with the same bearer token: authentication, scope, one row) — all
under wrk from a second process on loopback, against gunicorn with ``LINGYAN_DEBUG=false`` on
PostgreSQL (a throwaway database). While the reports run, PostgreSQL's ``pg_stat_activity``
wait events and ungranted ``pg_locks`` are sampled (``waits`` in the output).

    uv run python bench/incidents_load.py [--workers 4] [--threads 2] [--connections 8] \
        [--seconds 10] [--rounds 3] [--port 8791]

Target: report throughput ≥ half of the trivial endpoint's, p99 < 300 ms. See
docs/benchmarks.md."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
DB = "lingyan_incidents_bench"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"

# RUN is new for every wrk run (the benchmark writes it in) and every thread numbers itself
# in ``setup``: idempotency keys repeat neither within a run nor across runs, so every request
# is a new report. (wrk seeds each thread's ``math.random`` alike: random keys repeated across
# threads and rounds, and the repeats measured the replay path instead.)
LUA = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
counter = 0
request = function()
  counter = counter + 1
  local key = string.format("%s-%d-%d", RUN, tid, counter)
  local body = string.format('{"type": %d, "description": "压测：护栏松动", ' ..
    '"idempotency_key": "%s"}', TYPE, key)
  return wrk.format("POST", "/api/incidents/", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. TOKEN}, body)
end
"""


def env() -> dict:
    return {**os.environ, "DATABASE_URL": URL, "LINGYAN_DEBUG": "false",
            "LINGYAN_SECRET_KEY": "lingyan-bench-only-" + "b" * 40,
            "LINGYAN_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip


def manage(*args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(), check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip


def prepare() -> tuple[str, int, int]:
    """A fresh database with the test county (tests/world.py), the default types, and a
    token for its grid worker; returns the token, the type reported and the worker's grid."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{DB}"')
        c.execute(f'CREATE DATABASE "{DB}"')
    manage("migrate", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    script = (
        "from tests.world import build_world\n"
        "from incidents.tests.support import install\n"
        "from accounts.models import ApiToken\n"
        "w = build_world(); t = install(w)\n"
        "print(ApiToken.issue(w.grid_worker), t['safety_hazard'].pk, w.grid.pk)\n"
    )
    out = manage("shell", "-c", script).split()
    return out[-3], int(out[-2]), int(out[-1])


GET_LUA = """
request = function()
  return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. TOKEN})
end
"""


def sample_waits(stop: threading.Event) -> Counter:
    """What the bench database's sessions are doing (state, wait event) and the locks they
    wait for, sampled every 50 ms until ``stop``."""
    import psycopg

    seen: Counter = Counter()
    with psycopg.connect(URL, autocommit=True) as c:
        while not stop.wait(0.05):
            for state, kind, event in c.execute(
                "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'",
                (DB,),
            ):
                seen[f"{state}/{kind or '-'}:{event or '-'}"] += 1
            for (mode,) in c.execute(
                "SELECT locktype || ' ' || mode FROM pg_locks WHERE NOT granted"
            ):
                seen[f"lock wait {mode}"] += 1
    return seen


def combined(runs: list[dict]) -> dict:
    """Rounds of one endpoint together: the mean rate, the median p50, the worst p99."""
    p50s = sorted(run["p50_ms"] for run in runs)
    return {
        "rps": round(sum(run["rps"] for run in runs) / len(runs), 1),
        "p50_ms": p50s[len(p50s) // 2],
        "p99_ms": max(run["p99_ms"] for run in runs),
        "non_2xx": sum(run["non_2xx"] for run in runs),
        "rounds_rps": [run["rps"] for run in runs],
        "cpu_ms_per_request": {
            kind: round(sum(run[f"{kind}_cpu_ms"] for run in runs) / len(runs), 2)
            for kind in ("gunicorn", "postgres")
        },
        "requests": sum(run["requests"] for run in runs),
        **({"created": sum(run["created"] for run in runs)} if "created" in runs[0] else {}),
    }


def wrk(path: str, args, lua: Path | None = None, seconds: int | None = None) -> dict:
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d",
               f"{seconds or args.seconds}s", "--latency"]  # fmt: skip
    if lua:
        command += ["-s", str(lua)]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{args.port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rate, "p50_ms": percentile("50"), "p99_ms": percentile("99"),
            "non_2xx": int(errors.group(1)) if errors else 0,
            "requests": int(re.search(r"(\d+) requests in", out).group(1)), "raw": out}  # fmt: skip


def cpu_seconds() -> dict[int, tuple[str, float]]:
    """CPU time used so far (user + system, from /proc) by each gunicorn and PostgreSQL
    process, by pid, so that each endpoint's cost per request can be split between the two."""
    used = {}
    tick = os.sysconf("SC_CLK_TCK")
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().decode(errors="ignore")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = "gunicorn" if "gunicorn" in command else "postgres" if command.startswith(
            "postgres"
        ) else None  # fmt: skip
        if kind:
            used[int(proc.name)] = (kind, (int(fields[11]) + int(fields[12])) / tick)
    return used


def measured(path: str, args, lua: Path | None = None) -> dict:
    """One wrk run of ``path`` with the CPU milliseconds per request it cost gunicorn and
    PostgreSQL (all their processes: WAL writer and autovacuum count for the writes). A
    process that ends during the run is left out (the bench's own short connections)."""
    before = cpu_seconds()
    run = wrk(path, args, lua)
    after = cpu_seconds()
    answered = max(run["requests"], 1)
    spent = {"gunicorn": 0.0, "postgres": 0.0}
    for pid, (kind, seconds) in after.items():
        spent[kind] += seconds - (before[pid][1] if pid in before else 0.0)
    for kind, seconds in spent.items():
        run[f"{kind}_cpu_ms"] = round(seconds * 1000 / answered, 2)
    return run


def incidents_count() -> int:
    import psycopg

    with psycopg.connect(URL) as c:
        return c.execute("SELECT count(*) FROM incidents_incident").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    # 8 open connections for 4 sync workers on 2 cores: every worker has a request waiting,
    # without measuring mostly the queue in front of them (see docs/benchmarks.md).
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    token, type_id, grid_id = prepare()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lingyan.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env=env(),
    )  # fmt: skip
    try:
        for _ in range(50):
            try:
                urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not answer on port {args.port}")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as get_lua:
            get_lua.write(f'TOKEN = "{token}"\n' + GET_LUA)
        wrk("/healthz", args, seconds=2)  # warm every worker and its connection
        runs: dict[str, list[dict]] = {"healthz": [], "grid": [], "report": []}
        waits: Counter = Counter()
        # Interleaved rounds: on a shared machine the load beside the benchmark drifts, and
        # each endpoint should meet the same drift.
        for _ in range(args.rounds):
            runs["healthz"].append(measured("/healthz", args))
            runs["grid"].append(measured(f"/api/grids/{grid_id}", args, Path(get_lua.name)))
            stop = threading.Event()
            sampler = threading.Thread(target=lambda s=stop: waits.update(sample_waits(s)))
            sampler.start()
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
                lua.write(f'TOKEN = "{token}"\nTYPE = {type_id}\nRUN = "{uuid.uuid4().hex[:12]}"\n')
                lua.write(LUA)
            before = incidents_count()
            run = measured("/api/incidents/", args, Path(lua.name))
            # Every request a new report: wrk counts the answers it read, and at most one
            # request per connection may still have been in the server when it stopped.
            run["created"] = incidents_count() - before
            runs["report"].append(run)
            stop.set()
            sampler.join()
        healthz, grid, report = (combined(runs[name]) for name in ("healthz", "grid", "report"))
    finally:
        server.terminate()
        server.wait()
    ratio = report["rps"] / grid["rps"]
    all_new = all(
        run["requests"] <= run["created"] <= run["requests"] + args.connections
        for run in runs["report"]
    )
    summary = {
        "workers": args.workers, "threads": args.threads, "connections": args.connections,
        "seconds": args.seconds, "rounds": args.rounds,
        "healthz": healthz, "grid_authenticated": grid, "report": report,
        "ratio_to_authenticated": round(ratio, 3),
        "ratio_to_healthz": round(report["rps"] / healthz["rps"], 3),
        "waits_during_reports": dict(waits.most_common(12)),
        "every_request_a_new_report": all_new,
        "ok": ratio >= 0.5 and report["p99_ms"] < 300 and all_new
        and report["non_2xx"] == 0 and grid["non_2xx"] == 0,
    }  # fmt: skip
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
