"""Background tasks of reviews (django-tasks): the 印证材料 package."""

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from dudao.reviews.models import PackageStatus, ReviewPackage
from dudao.worker.recovery import recoverable

# ---- 印证材料包 (services/package.py) --------------------------------------------------------------------------


def _package_lost(args: list, kwargs: dict, next_attempt: int | None, reason: str) -> dict | None:
    """The worker building a package was lost: queue it again as a new attempt (it starts over), or fail it with
    the reason. Compare-and-set on the lost run's attempt, as planning's archive export does."""
    package_id = args[0] if args else kwargs["package_id"]
    run = int(kwargs.get("run") or kwargs.get("attempt", 1))
    lost = ReviewPackage.objects.filter(pk=package_id, attempt=run,
                                        status__in=[PackageStatus.QUEUED, PackageStatus.RUNNING])
    if next_attempt:
        if not lost.update(status=PackageStatus.QUEUED, attempt=run + 1, done=0,
                           error=f"{reason}已自动重新排队（第 {next_attempt} 次），材料包将重新生成。"):
            return None
        return {**kwargs, "attempt": next_attempt, "run": run + 1}
    lost.update(status=PackageStatus.FAILED, finished_at=timezone.now(),
                error=f"{reason}已自动重试 {settings.TASKS_LOST_RETRIES} 次仍未完成，可再次点“生成印证材料包”。")
    return None


@recoverable(retry=True, on_lost=_package_lost)
@task()
def build_review_package(package_id: int, attempt: int = 1, run: int | None = None) -> dict:
    """Build one 印证材料 package (safe to run again after a kill: it starts over). `attempt` counts the recoveries
    of this task; `run` is the package's attempt this task builds."""
    from dudao.reviews.services.package import package_run  # noqa: PLC0415 -- package enqueues this task: a cycle in the app

    status = package_run(package_id, run=run or attempt)
    package = ReviewPackage.objects.get(pk=package_id)
    if status == PackageStatus.FAILED:
        raise RuntimeError(package.error)
    return {"package": package_id, "status": status or "superseded", "files": package.done}
