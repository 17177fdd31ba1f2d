from django.db import models


class SweepRun(models.Model):
    """The last finished run of one scheduled sweep (``core.sweeps``), for ``/healthz``: a
    consumer that died shows as a sweep whose last run grows old."""

    name = models.CharField(max_length=60, primary_key=True)
    last_run_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at:%Y-%m-%d %H:%M:%S}"
