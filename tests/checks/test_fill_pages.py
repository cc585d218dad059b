"""fill (issue 23): the fill page inside the visit form, the visit page's checklist section, and the API."""

import datetime
import json
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.checks.models import CheckSubmission
from dudao.rectification.models import Finding
from dudao.zones.models import Visit
from tests.checks.fill_support import fill_fixture, make_round, png  # noqa: F401


def fill_url(fill, target=None):
    return reverse("checks:fill", args=[fill.round.pk, (target or fill.targets[0]).pk])


def form_data(fill, **extra):
    day = timezone.localdate() - datetime.timedelta(days=1)
    data = {"client_id": str(uuid.uuid4()), "school": fill.targets[0].school_id, "date": day.isoformat(),
            "start": "09:00", "end": "10:30", "reason": "special", "reason_note": fill.round.title,
            "method_tour": "1", "items": "special", "topic": fill.round.title, "narrative": "逐项检查。"}
    i1, i2, i3, i4 = fill.items
    data |= {f"answer_{i1.pk}": "no", f"settle_{i1.pk}": "on_site", f"note_{i1.pk}": "已当场清理",
             f"photo_{i1.pk}": png(), f"answer_{i2.pk}": "yes", f"number_{i3.pk}": "3", f"note_{i4.pk}": "无"}
    data.update(extra)
    return data


def test_the_fill_page_is_the_visit_form_with_the_checklist(world, fill, login):
    page = login(world.inspector_a).get(fill_url(fill))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="visit-form"' in html and 'id="checklist"' in html and "提交检查记录" in html
    assert f'data-draft-key="dudao.check.{world.inspector_a.pk}.{fill.round.pk}.{fill.targets[0].pk}"' in html
    assert "一票否决" in html and "不合格须拍照" in html and "天" in html and "现场整改到位" in html
    assert 'name="reason" value="special"' in html and fill.targets[0].school.name in html
    assert "js/check_fill.js" in html and "js/visit_form.js" in html


def test_outsiders_get_404(world, fill, login, client):
    for user in (world.office_b, world.principal_a, fill.other_user, world.leader_a):
        client.force_login(user)
        assert client.get(fill_url(fill)).status_code == 404
        assert client.post(fill_url(fill), form_data(fill)).status_code == 404
    other = make_round(world, title="另一检查", schools=world.schools_a[:1])
    login(world.inspector_a)
    wrong = reverse("checks:fill", args=[other.pk, fill.targets[0].pk])  # a target of another round
    assert client.get(wrong).status_code == 404
    assert not CheckSubmission.objects.exists() and not Visit.objects.exists()


def test_submit_from_the_page_then_the_visit_page_shows_the_checklist(world, fill, login):
    client = login(world.inspector_a)
    answer = client.post(fill_url(fill), form_data(fill))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    submission = CheckSubmission.objects.get()
    assert answer["Location"] == reverse("zones:visit_detail", args=[submission.visit_id]) + "?saved=1"
    finding = Finding.objects.get()
    assert finding.status == "resolved_on_site" and finding.evidence.count() == 1
    detail = client.get(answer["Location"]).content.decode()
    assert 'id="check-section"' in detail and "现场整改到位" in detail and fill.round.title in detail
    assert "专项督导事项" in detail and "special；" not in detail  # the visit's item, by its label
    assert f'data-clear-storage="dudao.check.{world.inspector_a.pk}.{fill.round.pk}.{fill.targets[0].pk}"' in detail
    # the target is done: the fill page now leads to the visit
    again = client.get(fill_url(fill))
    assert again.status_code == 302 and again["Location"] == reverse("zones:visit_detail", args=[submission.visit_id])
    # the office of the region sees the section too; the school sees its visit
    assert 'id="check-section"' in login(world.office_a).get(answer["Location"]).content.decode()


def test_a_refused_page_submit_keeps_what_was_typed(world, fill, login):
    i1 = fill.items[0]
    data = form_data(fill, **{f"photo_{i1.pk}": SimpleUploadedFile("x.png", b"not an image", content_type="image/png"),
                              "check_note": "整体情况良好<script>"})
    page = login(world.inspector_a).post(fill_url(fill), data)
    assert page.status_code == 400
    html = page.content.decode()
    assert "照片" in html and 'value="已当场清理"' in html and "整体情况良好&lt;script&gt;" in html
    assert f'id="a_{i1.pk}_no" value="no" checked' in html and f'id="s_{i1.pk}_on_site" value="on_site" checked' in html
    assert not CheckSubmission.objects.exists() and not Visit.objects.exists() and not Finding.objects.exists()
    missing = login(world.inspector_a).post(fill_url(fill), form_data(fill, **{f"answer_{fill.items[1].pk}": ""}))
    assert missing.status_code == 400 and "尚未填写" in missing.content.decode()


def test_page_outside_the_window_warns(world, fill, login):
    starts = timezone.localdate() - datetime.timedelta(days=30)
    fill.round.starts_on, fill.round.ends_on = starts, starts + datetime.timedelta(days=3)
    fill.round.save(update_fields=["starts_on", "ends_on"])
    client = login(world.inspector_a)
    assert "今天不在检查时间" in client.get(fill_url(fill)).content.decode()
    answer = client.post(fill_url(fill), form_data(fill), follow=True)
    assert "不在“" in answer.content.decode() and CheckSubmission.objects.get().outside_window


# ---- API -------------------------------------------------------------------------------------------------

def api_data(fill, **extra):
    start = timezone.now() - datetime.timedelta(hours=4)
    i1, i2, i3, i4 = fill.items
    data = {"client_id": str(uuid.uuid4()), "started_at": start.isoformat(),
            "ended_at": (start + datetime.timedelta(hours=1)).isoformat(), "narrative": "逐项检查。",
            "answers": [{"item": i1.pk, "value": "no", "settle": "notice", "note": "通道堆物"},
                        {"item": i2.pk, "value": "yes"}, {"item": i3.pk, "number": "1", "settle": "on_site"},
                        {"item": i4.pk, "note": "无"}]}
    data.update(extra)
    return data


def api_url(fill, target=None):
    return f"/api/v1/checks/{fill.round.pk}/targets/{(target or fill.targets[0]).pk}/submissions"


def test_api_submit_is_idempotent_and_returns_the_findings(world, fill, client):
    client.force_login(world.inspector_a)
    data = json.dumps(api_data(fill))
    i1, _i2, i3, _i4 = fill.items
    first = client.post(api_url(fill), {"data": data, f"photo_{i1.pk}": png(), f"photo_{i3.pk}": png(colour=(1, 2, 3))})
    second = client.post(api_url(fill), {"data": data, f"photo_{i1.pk}": png(), f"photo_{i3.pk}": png(colour=(1, 2, 3))})
    assert first.status_code == 201, first.content
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    body = first.json()
    assert body["failed_count"] == 2 and body["created"] and not second.json()["created"]
    findings = [a["finding"] for a in body["answers"] if a["finding"]]
    assert sorted(f["status"] for f in findings) == ["open", "resolved_on_site"]
    assert CheckSubmission.objects.count() == 1 and Visit.objects.count() == 1 and Finding.objects.count() == 2
    got = client.get(f"/api/v1/checks/submissions/{body['id']}")
    assert got.status_code == 200 and got.json()["client_id"] == body["client_id"]
    client.force_login(world.office_b)
    assert client.get(f"/api/v1/checks/submissions/{body['id']}").status_code == 404


def test_api_refusals_are_chinese_and_save_nothing(world, fill, client):
    i1 = fill.items[0]
    client.force_login(world.inspector_a)
    cases = [
        ({"data": "{not json"}, "JSON"),
        ({"data": json.dumps(api_data(fill, answers="x"))}, "data"),
        ({"data": json.dumps(api_data(fill))}, "须拍照留存"),
        ({"data": json.dumps(api_data(fill)), "upload": png()}, "无法识别的上传字段"),
        ({"data": json.dumps(api_data(fill)), f"photo_{i1.pk}": SimpleUploadedFile("a.png", b"PK\x03\x04zip")}, "照片"),
        ({"data": json.dumps(api_data(fill, campus="不存在校区"))}, "校区"),
    ]
    for body, message in cases:
        answer = client.post(api_url(fill), body)
        assert answer.status_code == 400 and message in answer.json()["detail"], (message, answer.content)
    other = make_round(world, title="另一检查", schools=world.schools_a[:1])
    mismatch = client.post(f"/api/v1/checks/{other.pk}/targets/{fill.targets[0].pk}/submissions",
                           {"data": json.dumps(api_data(fill))})
    assert mismatch.status_code == 400 and "不是“另一检查”的检查对象" in mismatch.json()["detail"]
    for user in (world.office_b, world.principal_a):
        client.force_login(user)
        assert client.post(api_url(fill), {"data": json.dumps(api_data(fill))}).status_code in (403, 404)
    assert not CheckSubmission.objects.exists() and not Visit.objects.exists() and not Finding.objects.exists()
