"""The annual 区政府教育督导（工作）公报 and its 公报项目表: fields filled from the year's data (each with its
source), edited by the office, published to the public results page and feed."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.reviews.models._scope import RegionScopedQuerySet

__all__ = ["BulletinStatus", "Bulletin", "BulletinField"]


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class Bulletin(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区县")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True, help_text="以 {{ 字段名 }} 引用公报项目表中的数据")
    status = models.CharField("状态", max_length=12, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT,
                              db_index=True)
    number = models.CharField("文号", max_length=64, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # The text as published (placeholders filled): frozen with the 公报项目表 until a withdrawal reopens the draft.
    published_body = models.TextField("发布正文", blank=True)
    publication = models.ForeignKey("rectification.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="结果公开条目")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=200, blank=True)
    refreshed_at = models.DateTimeField("数据提取时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "教育督导公报"
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="bulletin_region_year_once")]

    def __str__(self) -> str:
        return self.title


class BulletinField(models.Model):
    """One line of the 公报项目表: a figure computed from the platform (with where it came from) or typed in."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="fields", verbose_name="公报")
    key = models.CharField("字段名", max_length=64)
    section = models.CharField("部分", max_length=64, blank=True)
    label = models.CharField("项目", max_length=128)
    unit = models.CharField("单位", max_length=16, blank=True)
    computed = models.CharField("平台数据", max_length=255, blank=True)
    value = models.CharField("采用值", max_length=255, blank=True)
    source = models.CharField("数据来源", max_length=255, blank=True)
    source_url = models.CharField("来源链接", max_length=255, blank=True)
    edited = models.BooleanField("已人工修改", default=False)
    manual = models.BooleanField("手工添加", default=False)
    required = models.BooleanField("发布必填", default=False)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "公报项目"
        ordering = ["bulletin", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "key"], name="bulletin_field_once")]

    def __str__(self) -> str:
        return self.label

    def _source_split(self) -> tuple[str, str]:
        """"zones.selectors.visit_list：2025-01-01 至 …" → (the program's name, the reader's part)."""
        head, sep, tail = (self.source or "").partition("：")
        if sep and tail and not any("\u4e00" <= ch <= "\u9fff" for ch in head):
            return head.strip(), tail.strip()
        return "", self.source or ""

    @property
    def source_text(self) -> str:
        """The source as a reader reads it (period, records); the program's name stays in `source_code`."""
        return self._source_split()[1]

    @property
    def source_code(self) -> str:
        return self._source_split()[0]
