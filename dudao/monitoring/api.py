"""GET /api/v1/monitoring/balanced?county=&year= (the 优质均衡 evaluation) and POST /api/v1/monitoring/stats."""

import math

from django.http import Http404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from dudao.core.api_errors import error_responses
from dudao.core.errors import ApplicationError, RowError
from dudao.core.scope import get_visible_or_404
from dudao.core.tabular import read_import_file
from dudao.monitoring import engine, selectors
from dudao.monitoring.imports import stats_import
from dudao.regions.models import Region, RegionLevel

router = Router(tags=["评估监测"])


def _county(request, code: str) -> Region:
    return get_visible_or_404(Region.objects.filter(level=RegionLevel.COUNTY), request.user, code=code)


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(value, 6)


@router.get("/monitoring/balanced", openapi_extra=error_responses(404))
def balanced(request, county: str, year: int):
    """Per stage: each indicator's CV against its limit, and each school's seven values, met count and verdict."""
    report = selectors.balanced_report(request.user, _county(request, county), year)
    if report.empty:
        raise Http404(f"{report.county.name} {year} 学年没有可计算的统计数据。")
    stages = []
    for stage in engine.STAGES:
        cvs = report.result.cvs.filter(report.result.cvs["stage"] == stage)
        schools = report.result.schools.filter(report.result.schools["stage"] == stage)
        if schools.is_empty():
            continue
        stages.append({
            "stage": stage,
            "indicators": {row["indicator"]: {"cv": _number(row["cv"]), "cv_limit": row["cv_limit"],
                                              "passed": row["passed"], "note": row["note"]}
                           for row in cvs.iter_rows(named=True)},
            "schools": [{"code": row["code"], "name": row["name"],
                         "values": {i: _number(row[i]) for i in engine.INDICATORS},
                         "met": row["met"], "passed": row["passed"]} for row in schools.iter_rows(named=True)],
        })
    return {"county": report.county.code, "year": year, "stages": stages,
            "summary": [s["text"] for s in report.summaries],
            "excluded": [dict(zip(("code", "name", "reason"), r, strict=True))
                         for r in report.result.exclusions.select("code", "name", "reason").iter_rows()]}


@router.post("/monitoring/stats", response={201: dict}, openapi_extra=error_responses(409))
def upload_stats(request, file: File[UploadedFile], confirm: Form[bool] = False):
    """Upload a statistics workbook; 400 with every error, 409 with the warnings to confirm, else 201."""
    result = stats_import(actor=request.user, data=read_import_file(file), filename=file.name or "", confirm=confirm)
    warnings = [w.as_dict() for w in result.warnings]
    if result.needs_confirmation:
        raise _NeedsConfirmation(warnings)
    return Status(201, {"rows": result.rows, "replaced": result.replaced, "warnings": warnings})


class _NeedsConfirmation(ApplicationError):
    status = 409

    def __init__(self, warnings):
        super().__init__(f"有 {len(warnings)} 条数据提示需要确认，未导入。核对无误后以 confirm=true 重新上传。",
                         [RowError(**w) for w in warnings])


@router.get("/monitoring/preschool", openapi_extra=error_responses(404))
def preschool_evaluation(request, county: str, year: int):
    """The county's 普及普惠 indicators against their limits, and each kindergarten's checks."""
    region = _county(request, county)
    result = selectors.preschool_report(request.user, region, year)
    if result is None:
        raise Http404(f"{region.name} {year} 学年没有幼儿园统计数据。")
    return {"county": region.code, "year": year, "summary": result.summary,
            "indicators": {code: {"value": _number(i["value"]), "limit": i["limit"], "passed": i["passed"],
                                  "needed": i["needed"], "note": i["note"]} for code, i in result.indicators.items()},
            "kindergartens": [{"code": k["code"], "name": k["name"], "children": k["children"],
                               "staffing_ok": k["staffing_ok"], "certified_ok": k["certified_ok"],
                               "class_size_ok": k["class_size_ok"], "space_ok": k["space_ok"], "passed": k["passed"],
                               "teachers_needed": k["teachers_needed"]}
                              for k in result.kindergartens.iter_rows(named=True)],
            "conversions": result.conversions}
