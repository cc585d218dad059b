"""The cockpit's nightly figures (驾驶舱): what a province user would otherwise wait for."""

from django.db import models


class CockpitSnapshot(models.Model):
    """The cockpit of one region and year, computed in the background (the nightly daily job, or on demand when
    none is fresh) and read by the cockpit page and its exports. `data` is the serialised list of sections and
    metrics (dashboard.selectors.cockpit); `computed_at` is shown on the page ("数据更新于…")."""

    region_code = models.CharField("区划代码", max_length=12)
    year = models.PositiveSmallIntegerField("年度")
    data = models.JSONField("数据")
    computed_at = models.DateTimeField("计算时间")
    seconds = models.FloatField("计算用时（秒）", default=0)

    class Meta:
        verbose_name = "驾驶舱数据快照"
        constraints = [models.UniqueConstraint(fields=["region_code", "year"], name="cockpit_snapshot_region_year")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year}"
