"""``manage.py load_demo``: the fictional demo county (or province) and its demo logins."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import loader
from demo.generator import SCALES
from demo.logins import PASSWORD


class Command(BaseCommand):
    help = "载入演示数据：一个虚构的旗（--scale province：一个省约100个旗县）和各角色的演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            default="county",
            choices=list(SCALES),
            metavar="{county,province}",
            help="county：一个旗（默认）；province：约100个旗县，用于 PostgreSQL 性能测试",
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有区划时不做任何事")

    def handle(
        self, *args: object, scale: str, seed: int, if_empty: bool, **options: object
    ) -> None:
        if if_empty and not loader.database_is_empty():
            self.stdout.write("数据库中已有数据，未载入演示数据。")
            return
        try:
            report = loader.load(scale, seed, progress=self.stdout.write)
        except loader.DemoDataExists as error:
            raise CommandError(str(error)) from None
        for table, count in report.rows.items():
            self.stdout.write(f"  {table}: {count:,}")
        self.stdout.write("  " + ", ".join(f"{p} {s:.1f} s" for p, s in report.phases.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已载入（{report.seconds:.1f} 秒）。演示账号，密码 {PASSWORD}："
            )
        )
        for user in report.logins:
            self.stdout.write(f"  {user.username:<14} {user.display_name}")
