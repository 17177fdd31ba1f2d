"""Each demo role's home page: database statements and time (issue 11 put the to-dos first).

Runs in-process against the demo county (``make run``'s database, or ``LINGYAN_VAR_DIR``'s):
signs in each documented demo login with Django's test client, opens ``/`` once to warm up,
then ``--runs`` more times, and prints the statements of one request and the median, min and
max milliseconds. A baseline in the same run: ``/healthz?probe=web`` by the same client.

    LINGYAN_DEBUG=true uv run python bench/home_pages.py [--runs 20]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lingyan.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    def measure(client, path):
        client.get(path)
        connection.queries_log.clear()  # a full log (9,000 under DEBUG) would count nothing
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        return status, len(queries.captured_queries), times

    print(f"{'login':<16} {'page':<20} status statements median_ms min_ms max_ms")
    logins = ["demo-county", "demo-township", "demo-branch", "demo-grid", "demo-member"]
    logins += ["demo-resident", "demo-unit", "demo-clerk"]
    for username in logins:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for path in ("/healthz?probe=web", "/"):
            status, statements, times = measure(client, path)
            print(
                f"{username:<16} {path:<20} {status:>6} {statements:>10} "
                f"{statistics.median(times):>9.1f} {min(times):>6.1f} {max(times):>6.1f}"
            )


if __name__ == "__main__":
    main()
