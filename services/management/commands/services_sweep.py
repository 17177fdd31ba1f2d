from django.core.management.base import BaseCommand

from core.sweeps import recording
from services.domain.sweeps import sweep_overdue
from services.tasks import LOCK


class Command(BaseCommand):
    help = "标记超过办理期限的服务诉求并提醒派单人及其上级（幂等，可随时重复运行）。"

    def handle(self, *args, **options) -> None:
        with recording(LOCK):  # the same heartbeat as the scheduled task's
            result = sweep_overdue()
        self.stdout.write(
            f"新标记超期诉求 {result.flagged} 件，发出提醒 {result.notifications} 条。"
        )
