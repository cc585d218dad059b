"""What a record is about: a school or a government unit (乡镇街道, 成员单位), exactly one of them.

Findings, notices, 约谈, 问责, 表彰, inspection targets and campaign tasks all point at one. The shared columns
(`school`, `unit`, `region_code` — the target's region, which is what scoping matches) and the constraint are
declared here once."""

from django.db import models


class SchoolOrUnitTarget(models.Model):
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT, verbose_name="学校")
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT,
                             verbose_name="政府单位")
    region_code = models.CharField("所在区划", max_length=12, db_index=True)

    class Meta:
        abstract = True
        constraints = [models.CheckConstraint(condition=models.Q(school__isnull=False) ^ models.Q(unit__isnull=False),
                                              name="%(app_label)s_%(class)s_one_target")]

    @property
    def target(self):
        """The school or the government unit."""
        return self.school or self.unit

    @property
    def target_name(self) -> str:
        return str(self.target) if self.target is not None else ""


def target_region(school=None, unit=None) -> str:
    """The region code stored with a target: the school's or the unit's region."""
    return school.region_id if school is not None else unit.region_id
