from django.db import models


class WorkerHeartbeat(models.Model):
    """A running `db_worker` process, seen every TASKS_HEARTBEAT_SECONDS. A RUNNING task whose worker has not
    been seen for TASKS_WORKER_TIMEOUT_SECONDS was cut off (kill -9, power loss) and is recovered."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "后台工作进程"

    def __str__(self) -> str:
        return f"{self.worker_id} {self.host}:{self.pid}"
