"""manage.py load_demo: load or refresh the fictional 示范区 and print the demo accounts' passwords."""

from django.core.management.base import BaseCommand

from dudao.demo.services import DEMO_ACCOUNTS, demo_counts, demo_load


class Command(BaseCommand):
    help = "Load the demo district 示范区 (deterministic) and reset the demo accounts' passwords."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed: int, **options):
        passwords = demo_load(seed=seed)
        counts = demo_counts()
        self.stdout.write(self.style.SUCCESS(
            f"示范区已加载：区划 {counts['regions']} 个，政府单位 {counts['units']} 个，学校 {counts['schools']} 所，"
            f"教育集团/学区 {counts['groups']} 个。"))
        self.stdout.write("演示账号（仅供演示，每次加载重新生成密码）：")
        for username, full_name, _role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<16} {passwords[username]:<18} {full_name}")
