from django.core.management.base import BaseCommand

from core.sweeps import recording
from orglife.domain.sweeps import run_sweep
from orglife.tasks import LOCK


class Command(BaseCommand):
    help = "生成应报记录并对逾期未报的组织发布预警（幂等，可随时重复运行）。"

    def handle(self, *args, **options) -> None:
        with recording(LOCK):  # the same heartbeat as the scheduled task's
            result = run_sweep()
        self.stdout.write(
            f"应报记录新增 {result.due_created} 条；新预警 {result.warnings.warnings} 条，"
            f"提醒通报 {result.warnings.notifications} 条。"
        )
