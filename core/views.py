from django.db import connection
from django.http import JsonResponse

from core.sweeps import current_health


def healthz(request):
    """For load balancers and monitoring (docs/operations.md).

    200 ``ok``: the app, its database and every scheduled sweep are fine. 503 ``error``: the
    database does not answer. 503 ``degraded``: the database answers but a sweep is overdue
    (the scheduler's consumer is down). ``?probe=web`` leaves the sweeps out: that is the
    check for a load balancer, which must not take healthy web servers out of rotation
    because the scheduler beside them stopped."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        sweeps = [] if request.GET.get("probe") == "web" else current_health()
    except Exception as error:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(error)[:200]}, status=503)
    degraded = any(sweep.overdue for sweep in sweeps)
    body = {
        "status": "degraded" if degraded else "ok",
        "database": "ok",
        "sweeps": [sweep.as_json() for sweep in sweeps],
    }
    return JsonResponse(body, status=503 if degraded else 200)
