"""{% load files %} … {{ stored_file|file_url }} / {{ stored_file|thumb_url }}: signed, expiring download links."""

from django import template
from django.urls import reverse

from dudao.documents.files import file_token

register = template.Library()


@register.filter
def file_url(stored_file) -> str:
    return reverse("documents:file", args=[file_token(stored_file.pk)]) if stored_file else ""


@register.filter
def thumb_url(stored_file) -> str:
    if not stored_file:
        return ""
    return reverse("documents:thumb", args=[file_token(stored_file.pk)])
