"""visit_submit in two halves: visit_clean checks everything and writes no row (a refusal is the Chinese
message), visit_write stores a checked visit in one transaction. The page and the tablet API go through
visit_submit, which is the two with the client-id retry in front."""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.rectification.models import Finding
from dudao.zones import services
from dudao.zones.models import Visit
from tests.zones.conftest import visit_kwargs


def test_clean_writes_nothing_and_write_stores_it(world, posted):
    draft = services.VisitDraft(**visit_kwargs(posted, world.schools_a[0], problems=[
        {"item": "r7", "follow_up": "suggestion", "description": " 留样不全 "}], topic="  "))
    with CaptureQueriesContext(connection) as queries:
        clean = services.visit_clean(actor=world.inspector_a, draft=draft)
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert Visit.objects.count() == 0 and clean.minutes == 180 and clean.zone == posted.zone
    assert clean.problems[0]["description"] == "留样不全" and clean.topic == "" and clean.methods == {"lessons": 2, "tour": 1}
    visit, created = services.visit_write(actor=world.inspector_a, visit=clean)
    assert created and visit.minutes_on_site == 180 and Finding.objects.filter(source_id=str(visit.pk)).count() == 1
    again, created = services.visit_write(actor=world.inspector_a, visit=clean)  # the same client id: a race lost
    assert not created and again.pk == visit.pk and Visit.objects.count() == 1


@pytest.mark.parametrize("change, message", [
    ({"client_id": "not-a-uuid"}, "客户端编号无效。"),
    ({"reason": "holiday"}, "未知的督导类型：holiday"),
    ({"items": ["special"]}, "勾选了专项督导事项，请填写本月专项督导内容。"),
    ({"lessons": [{"class_name": "一班", "subject": "", "teacher": "张"}]}, "听课记录须填写班级、学科和授课教师。"),
])
def test_clean_refuses_in_chinese(world, posted, change, message):
    draft = services.VisitDraft(**visit_kwargs(posted, world.schools_a[0], **change))
    with pytest.raises(ApplicationError, match=message):
        services.visit_clean(actor=world.inspector_a, draft=draft)
    assert Visit.objects.count() == 0


def test_recusal_is_the_shared_rule(world, posted):
    from dudao.people.selectors import inspector_recused
    from dudao.people.services import inspector_save

    inspector_save(actor=world.office_a, inspector=posted.other, home_school_id=world.schools_a[3].pk)
    posted.other.refresh_from_db()
    assert inspector_recused(posted.other, world.schools_a[3].pk)
    assert not inspector_recused(posted.other, world.schools_a[0].pk) and not inspector_recused(posted.other, None)
    with pytest.raises(ApplicationError, match="回避：随行督学督学乙在甲区中心幼儿园工作。"):
        services.visit_clean(actor=world.inspector_a, draft=services.VisitDraft(**visit_kwargs(
            posted, world.schools_a[3], reason="special", reason_note="专项", companions=[posted.other])))


def test_page_and_api_share_the_path_and_the_client_id(world, posted, login):
    client = login(world.inspector_a)
    client_id = uuid.uuid4()
    start = timezone.localtime() - datetime.timedelta(days=1)
    data = {"client_id": str(client_id), "school_code": world.schools_a[0].code,
            "started_at": start.isoformat(), "ended_at": (start + datetime.timedelta(hours=2)).isoformat(),
            "methods": {"lessons": 1}, "items": ["r1"], "narrative": "听课一节。"}
    first = client.post("/api/v1/visits", {"data": json.dumps(data)})
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/visits", {"data": json.dumps(data)})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"] and Visit.objects.count() == 1
    bad = client.post("/api/v1/visits", {"data": json.dumps({**data, "client_id": str(uuid.uuid4()),
                                                                 "narrative": " "})})
    assert bad.status_code == 400 and bad.json()["detail"] == "请填写督导纪实（督导过程与情况）。"
    assert Visit.objects.count() == 1
