"""Stored files (evidence, photos, templates) and the editable Word templates offices upload.

Files are content-addressed in the file storage (their SHA-256; disk or bucket), never overwritten and never served
from a public URL: a view streams them to whoever holds a signed link that a page the user may see has handed out.
"""

from django.conf import settings
from django.db import models


class FileKind(models.TextChoices):
    IMAGE = "image", "图片"
    DOCUMENT = "document", "文档"


class StoredFile(models.Model):
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    kind = models.CharField("类别", max_length=16, choices=FileKind.choices)
    original_name = models.CharField("文件名", max_length=255)
    path = models.CharField(max_length=255)
    thumb_path = models.CharField(max_length=255, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "文件"

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == FileKind.IMAGE


class DocumentTemplate(models.Model):
    """An office's own version of a shipped Word template; the newest row for a region subtree wins."""

    key = models.CharField("文书", max_length=64, db_index=True)
    region_code = models.CharField("适用区划", max_length=12, blank=True)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "文书模板"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key} {self.region_code}"
