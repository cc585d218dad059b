"""fill (issue 23, Performance): the submission API answers a new submission from the objects in hand, exactly as
the stored submission reads back, within a bounded number of queries."""

import datetime
import json
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.checks.fill_support import fill_fixture, png  # noqa: F401

# An all-pass submission of the 4-item checklist by session login (savepoints and the session save included): 32
# after the issue-23 performance pass, which took 4 queries off (the re-read after the write, a client-id lookup,
# a second inspector read, the target's visibility check). A failed item adds its photo, finding and audit rows.
ALL_PASS_QUERIES = 32


def _data(fill, fail: bool) -> dict:
    start = timezone.now() - datetime.timedelta(hours=4)
    i1, i2, i3, i4 = fill.items
    first = ({"item": i1.pk, "value": "no", "settle": "on_site", "note": "当场清理"} if fail
             else {"item": i1.pk, "value": "yes"})
    return {"client_id": str(uuid.uuid4()), "started_at": start.isoformat(),
            "ended_at": (start + datetime.timedelta(hours=1)).isoformat(), "narrative": "逐项检查。",
            "answers": [first, {"item": i2.pk, "value": "yes"}, {"item": i3.pk, "number": "2.5"},
                        {"item": i4.pk, "note": "无"}]}


def _url(fill, target) -> str:
    return f"/api/v1/checks/{fill.round.pk}/targets/{target.pk}/submissions"


def test_a_new_submission_answers_as_it_reads_back(world, fill, client):
    client.force_login(world.inspector_a)
    i1 = fill.items[0]
    for target, fail in ((fill.targets[0], True), (fill.targets[1], False)):
        files = {f"photo_{i1.pk}": png()} if fail else {}
        posted = client.post(_url(fill, target), {"data": json.dumps(_data(fill, fail)), **files})
        assert posted.status_code == 201, posted.content
        body = posted.json()
        stored = client.get(f"/api/v1/checks/submissions/{body['id']}").json()
        assert body.pop("created") is True and stored.pop("created") is False
        assert body == stored
        assert [a["number"] for a in body["answers"]][2] in ("2.50", 2.5, "2.5")
        assert (body["answers"][0]["finding"] is not None) == fail


def test_an_all_pass_submission_stays_within_its_query_bound(world, fill, client):
    client.force_login(world.inspector_a)
    warm = client.post(_url(fill, fill.targets[0]), {"data": json.dumps(_data(fill, False))})
    assert warm.status_code == 201, warm.content
    with CaptureQueriesContext(connection) as queries:
        response = client.post(_url(fill, fill.targets[1]), {"data": json.dumps(_data(fill, False))})
    assert response.status_code == 201, response.content
    assert len(queries) <= ALL_PASS_QUERIES, "\n".join(q["sql"][:160] for q in queries.captured_queries)
