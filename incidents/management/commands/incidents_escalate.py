from django.core.management.base import BaseCommand

from core.sweeps import recording
from incidents.domain.escalation import sweep
from incidents.tasks import LOCK


class Command(BaseCommand):
    help = "超时未办结的网格事件升级一级并通知该级管理员（幂等，可随时重复运行）。"

    def handle(self, *args, **options) -> None:
        with recording(LOCK):  # the same heartbeat as the scheduled task's
            result = sweep()
        self.stdout.write(
            f"升级事件 {result.claimed} 件（升级记录 {result.escalations} 条），"
            f"通知 {result.notifications} 条。"
        )
