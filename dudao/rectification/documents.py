"""The context of the 整改通知书 document (Word through the editable template, PDF through HTML)."""

from dudao.core.dates import cn_date
from dudao.core.policy import policy_value
from dudao.rectification.models import RectificationNotice
from dudao.regions.models import Region


def notice_context(notice: RectificationNotice) -> dict:
    county = Region.objects.filter(code=notice.region_code[:6]).values_list("name", flat=True).first() or ""
    findings = notice.findings.order_by("id")
    return {
        "number": notice.number, "target": str(notice.target), "office": f"{county}人民政府教育督导室",
        "issued_on": cn_date(notice.issued_at), "due_on": cn_date(notice.due_date),
        "requirement": notice.requirement or "按问题清单逐项整改。",
        "findings": [{"no": k, "source": f.get_source_display(), "category": f.category_label or "—",
                      "text": f.description, "requirement": f.requirement or "—"} for k, f in enumerate(findings, 1)],
        "verify_days": int(policy_value("rectification.verify_days", notice.region_code)),
    }
