"""Querysets shared by the check models."""

from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class RegionScopedQuerySet(ScopedQuerySet):
    """Rows of a region: the office and leaders of that region or one above it."""

    region_lookup = "region__code"

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q(self.region_lookup, scope.region_prefixes)


class SchoolScopedQuerySet(ScopedQuerySet):
    """Rows about one school (institution): the region's staff, and the school's own users."""

    region_lookup = "region_code"
    school_lookup = "school_id"

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q(self.region_lookup, scope.region_prefixes) | models.Q(**{f"{self.school_lookup}__in": scope.school_ids})
