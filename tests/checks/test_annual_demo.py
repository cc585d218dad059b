"""The demo's 年检: last year finished and published, this year open with demo_training's report to submit, one
institution 不合格 twice."""

from django.contrib.auth import get_user_model

from dudao.checks.models import AnnualReport, AnnualReportStatus, AnnualRound, CreditEntry
from dudao.checks.selectors.annual import annual_fail_counts
from dudao.rectification.models import Finding
from tests.demo.test_demo_load import demo  # noqa: F401 -- the module-scoped demo fixture

User = get_user_model()


def test_demo_annual(demo, db):  # noqa: F811
    last, current = AnnualRound.objects.order_by("year")
    assert last.status == "closed" and last.publication_id and current.status == "open"
    results = list(AnnualReport.objects.filter(round=last).values_list("result", flat=True))
    assert results.count("basic") == 2 and results.count("fail") == 1 and results.count("rectify") == 1
    assert results.count("pass") == len(results) - 4 and "" not in results
    rectify = AnnualReport.objects.get(round=last, result="rectify")
    assert Finding.objects.filter(source="annual", source_id__startswith=f"{rectify.pk}:").count() == 2
    assert not AnnualReport.objects.filter(round=last, submitted_at__date__gt=last.submit_by).exists()  # not late
    assert "年检结果公告" in last.publication.title and "不合格" in last.publication.body
    assert 2 in annual_fail_counts(AnnualReport.objects.filter(round=current).values_list("school_id", flat=True)).values()
    training = User.objects.get(username="demo_training")
    mine = AnnualReport.objects.visible_to(training).get(round=current)
    assert mine.status == AnnualReportStatus.PENDING and mine.kind == "training"
    assert set(AnnualReport.objects.filter(round=current).values_list("status", flat=True)) == set(AnnualReportStatus.values)
    assert CreditEntry.objects.filter(kind="annual", negative=True).count() == 3
