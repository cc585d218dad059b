"""`python manage.py audit_verify`: walk the audit log's hash chain and name the first record that does not match.

Exit status 0 and the count and latest hash (write it down off the server); non-zero with the record's id when
a record's content or its link to the record before does not match.
"""

import os
import re

from django.core.management.base import BaseCommand, CommandError

from dudao.core.audit_chain import verify


def _hash(value: str) -> str:
    value = value.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise CommandError("--expect-hash 应为 64 位十六进制的哈希值（即上次校验时打印并抄录的“最新哈希”）。")
    return value


class Command(BaseCommand):
    help = "校验审计日志的哈希链：逐条核对内容和前后链接，发现不符时给出第一条不符记录的编号并以非零状态退出"

    def add_arguments(self, parser):
        parser.add_argument("--from-id", type=int, help="从这条记录开始校验（包括它与前一条的链接），用于只查新增记录")
        parser.add_argument("--expect-hash", type=_hash,
                            help="在服务器以外抄录的哈希：链中必须有哈希为此值的记录（与 --from-id 一起用时必须是该条记录）")
        parser.add_argument("--chunk", type=int, default=5000, help="每次从数据库读取的记录数（默认 5000）")
        parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4),
                            help="计算哈希的进程数（默认为 CPU 核数，最多 4；1 表示不另开进程）")

    def handle(self, *args, from_id=None, expect_hash=None, chunk=5000, workers=1, **options):
        if from_id is not None and from_id < 1:
            raise CommandError("--from-id 应为正整数。")
        if chunk < 1:
            raise CommandError("--chunk 应为正整数。")
        if not 1 <= workers <= 64:
            raise CommandError("--workers 应为 1 到 64 之间的整数。")
        result = verify(from_id=from_id, expect_hash=expect_hash, chunk=chunk, workers=workers)
        if not result.ok:
            raise CommandError(result.message)
        scope = f"自第 {from_id} 号起" if from_id is not None else ""
        if result.count == 0:
            self.stdout.write(f"审计日志校验通过：{scope}没有记录。")
            return
        self.stdout.write(f"审计日志校验通过：{scope}共 {result.count} 条记录，链接和内容均相符。")
        if result.expected_found:
            self.stdout.write(f"登记的哈希 {expect_hash} 在链中，之前的记录未被改动。")
        self.stdout.write(f"最新记录：第 {result.last_id} 号")
        self.stdout.write(f"最新哈希：{result.last_hash}")
        self.stdout.write("请将最新记录编号和最新哈希抄录到服务器以外（如纸质登记簿或另一台电脑），下次校验时用 --expect-hash 核对。")
