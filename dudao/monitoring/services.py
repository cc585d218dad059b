"""Writes for monitoring other than the statistics import: the county figures entered by hand."""

from django.db import transaction

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError
from dudao.core.scope import require_office_for
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.monitoring.guarantee import MATERIAL_ITEMS
from dudao.monitoring.models import CountyInputs, GuaranteeEvidence


def county_inputs_save(*, actor, county, year: int, population_3_5: int | None,
                       recognition_rate: float | None) -> CountyInputs:
    """The county's 3–5-year-old population and its 社会认可度 for a school year (office users of the county)."""
    require_office_for(actor, county.code, "只有本县（区）督导室可以填写县域监测数据。")
    if population_3_5 is not None and population_3_5 <= 0:
        raise ApplicationError("3—5 周岁常住人口数应为正整数。")
    if recognition_rate is not None and not 0 <= recognition_rate <= 100:
        raise ApplicationError("社会认可度应在 0—100（%）之间。")
    with transaction.atomic():
        inputs, _created = CountyInputs.objects.select_for_update().get_or_create(region=county, year=year)
        before = {"population_3_5": inputs.population_3_5, "recognition_rate": inputs.recognition_rate}
        inputs.population_3_5 = population_3_5
        inputs.recognition_rate = recognition_rate
        inputs.save()
        audit_record(actor=actor, action="monitoring.county_inputs", obj=inputs, region_code=county.code,
                     before=before, after={"population_3_5": population_3_5, "recognition_rate": recognition_rate})
    return inputs


def guarantee_evidence_save(*, actor, county, year: int, item: str, note: str, uploads=()) -> GuaranteeEvidence:
    """Record (or add to) the county's evidence for a material item; earlier files are kept."""
    require_office_for(actor, county.code, "只有本县（区）督导室可以填报佐证材料。")
    if item not in {code for code, _area, _text in MATERIAL_ITEMS}:
        raise ApplicationError("未知的保障或质量项目。")
    note = (note or "").strip()
    if not note:
        raise ApplicationError("请填写说明。")
    checked = [files.check_and_write_evidence(f, region_code=county.code) for f in uploads]
    with transaction.atomic():
        evidence, _created = GuaranteeEvidence.objects.select_for_update().get_or_create(
            county=county, year=year, item=item, defaults={"note": note, "updated_by": actor})
        evidence.note, evidence.updated_by = note, actor
        evidence.save()
        evidence.files.add(*[file_record(actor=actor, checked=c) for c in checked])
        audit_record(actor=actor, action="monitoring.guarantee_evidence", obj=evidence, region_code=county.code,
                     after={"item": item, "note": note[:200], "files": len(checked)})
    return evidence
