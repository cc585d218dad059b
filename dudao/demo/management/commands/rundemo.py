"""manage.py rundemo [ADDR:PORT]: the demo in one command. Starts the development server and a background
worker (`db_worker`: 意见书批量生成, mail, deadline runs) together, prints where to go and which account to try,
and stops both on Ctrl-C or when either of them ends. Not for production (README: gunicorn + db_worker)."""

import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "演示：同时启动网站（runserver）和后台工作进程（db_worker），按 Ctrl-C 一起停止。"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--startup-timeout", type=float, default=120)

    def handle(self, *args, addrport: str, startup_timeout: float, **options):
        host, _sep, port = addrport.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"地址应为 主机:端口，例如 127.0.0.1:8000（收到：{addrport}）")
        host = host or "127.0.0.1"
        manage = str(settings.BASE_DIR / "manage.py")
        # SIGTERM (systemd, a supervising script) stops the children too, like Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        worker = subprocess.Popen([sys.executable, manage, "db_worker", "--no-reload", "--no-startup-delay"])
        server = subprocess.Popen([sys.executable, manage, "runserver", f"{host}:{port}"])
        children, interrupted = [server, worker], False
        try:
            if not self._wait_until_listening(host, int(port), children, startup_timeout):
                raise CommandError("网站未能启动，请查看上方输出。")
            self.stdout.write(self.style.SUCCESS(f"\n演示已启动：http://{host}:{port}/  （后台工作进程已随之启动）"))
            self.stdout.write("请先用 demo_office（督导室）登录，密码见上方“演示账号”列表；按 Ctrl-C 停止网站和工作进程。")
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            interrupted = True  # Ctrl-C reached the whole process group: the children have it too
        finally:
            self._stop(children, interrupted)

    @staticmethod
    def _wait_until_listening(host: str, port: int, children, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                return False
            try:
                with socket.create_connection((host, port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.3)
        return False

    @staticmethod
    def _stop(children, interrupted: bool) -> None:
        """Stop both: a polite SIGINT (the worker finishes its task first), then SIGKILL after a grace period
        (a task cut off like that is recovered by the next worker)."""
        if not interrupted:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
