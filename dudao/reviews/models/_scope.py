"""Querysets shared by the review models."""

from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class RegionScopedQuerySet(ScopedQuerySet):
    """Rows of a region: the office and leaders of that region or one above it."""

    region_lookup = "region__code"

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q(self.region_lookup, scope.region_prefixes)
