"""The region tree (province → city → county → town, GB/T 2260 codes) and government units (督政 targets)."""

from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWN = "town", "乡镇（街道）"


# Code length and the parent level each level expects.
LEVEL_CODE_LENGTH = {RegionLevel.PROVINCE: 6, RegionLevel.CITY: 6, RegionLevel.COUNTY: 6, RegionLevel.TOWN: 9}
PARENT_LEVEL = {RegionLevel.CITY: RegionLevel.PROVINCE, RegionLevel.COUNTY: RegionLevel.CITY, RegionLevel.TOWN: RegionLevel.COUNTY}


class RegionQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("code", scope.region_prefixes)


class Region(models.Model):
    """A node of the administrative tree; the primary key is its GB/T 2260 code."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    TOWN_GOV = "town_gov", "乡镇人民政府"
    SUBDISTRICT = "subdistrict", "街道办事处"
    DEPARTMENT = "department", "督导委员会成员单位"
    GOVERNMENT = "government", "区县人民政府"


class GovUnitQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes) | models.Q(pk__in=scope.unit_ids)


class GovUnit(models.Model):
    """A government body supervised by 督政: a town government or a committee member department."""

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=128)
    kind = models.CharField("类别", max_length=16, choices=UnitKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="所在区划")
    is_education_authority = models.BooleanField("教育行政部门", default=False)
    leader = models.CharField("负责人", max_length=64, blank=True)
    contact = models.CharField("联系人", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=255, blank=True)

    objects = GovUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "政府单位"
        ordering = ["region_id", "code"]

    def __str__(self) -> str:
        return self.name


class BoundaryQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes)


class Boundary(models.Model):
    """A region's outline for the cockpit map (驾驶舱地图): GeoJSON in WGS-84 longitude/latitude, uploaded by the
    office and validated by regions.geo (Polygon or MultiPolygon only, inside China, bounded size). A new upload
    replaces the outline; the audit log keeps who uploaded what (with the SHA-256)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, primary_key=True, related_name="boundary",
                                  verbose_name="行政区划")
    geojson = models.JSONField("边界（GeoJSON）")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("文件大小（字节）")
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="上传人")

    objects = BoundaryQuerySet.as_manager()

    class Meta:
        verbose_name = "区划边界"

    def __str__(self) -> str:
        return f"{self.region_id} 边界"
