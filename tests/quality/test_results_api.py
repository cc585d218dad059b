"""GET /api/v1/quality/rounds/{id}/results?subject= and GET …/value-added?subject=&method=reml|ml: the issue's
shape, Chinese 400s for a bad method or subject, 404 out of scope, a school's token sees only its own school and
nothing before the round is published, and value-added that cannot be computed says why."""

import pytest
from django.test import Client

from dudao.core.services import token_issue
from dudao.quality.models import RoundStatus
from tests.quality.results_data import scored_round

pytestmark = pytest.mark.django_db
BASE = "/api/v1/quality/rounds"


def _token_client(user) -> Client:
    key, _token = token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_results_shape(world, login):
    rnd = scored_round(world)
    response = login(world.office_a).get(f"{BASE}/{rnd.pk}/results", {"subject": "数学"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["round"] == rnd.pk and body["subject"] == "数学" and body["full_marks"] == 100
    assert body["county"]["n"] == 90
    assert [s["code"] for s in body["schools"]] == [s.code for s in world.schools_a[:3]]
    school = body["schools"][0]
    for key in ("name", "n", "mean", "sd", "pass_rate", "excellent_rate", "low_rate", "q1", "median", "q3",
                "gap_mean", "withheld"):
        assert key in school
    assert sum(b["count"] for b in body["bands"]) == 90


@pytest.mark.parametrize("method", ["reml", "ml"])
def test_value_added_shape(world, login, method):
    rnd = scored_round(world, pupils=40)
    response = login(world.office_a).get(f"{BASE}/{rnd.pk}/value-added", {"subject": "语文", "method": method})
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"method", "n_students", "n_schools", "fixed", "school_var", "residual_var", "icc", "schools"} <= set(body)
    assert body["method"] == method and body["n_students"] == 120 and body["n_schools"] == 3
    assert list(body["fixed"])[:2] == ["intercept", "prior"]
    assert 0.5 < body["fixed"]["prior"] < 0.9
    assert 0 <= body["icc"] <= 1
    for school in body["schools"]:
        assert {"code", "n", "effect", "se", "ci_low", "ci_high", "flag"} <= set(school)
        assert school["flag"] in {"above", "expected", "below"}
        assert school["ci_low"] <= school["effect"] <= school["ci_high"]
    with_gender = login(world.office_a).get(f"{BASE}/{rnd.pk}/value-added",
                                            {"subject": "语文", "gender": "true"}).json()
    assert "gender" in with_gender["fixed"]


def test_bad_method_and_subject_are_400_in_chinese(world, login):
    rnd = scored_round(world)
    client = login(world.office_a)
    response = client.get(f"{BASE}/{rnd.pk}/value-added", {"subject": "数学", "method": "ols"})
    assert response.status_code == 400 and "reml 或 ml" in response.json()["detail"]
    for path in ("results", "value-added"):
        response = client.get(f"{BASE}/{rnd.pk}/{path}", {"subject": "<b>物理</b>"})
        assert response.status_code == 400 and "没有学科" in response.json()["detail"]
        response = client.get(f"{BASE}/{rnd.pk}/{path}")
        assert response.status_code == 400 and "请用 subject 参数指定学科" in response.json()["detail"]
    assert client.get(f"{BASE}/abc/results", {"subject": "数学"}).status_code == 404  # {int:pk}: no such route


def test_no_scores_yet_is_400(world, login):
    rnd = scored_round(world)
    rnd.scores.filter(subject__name="科学").delete()
    response = login(world.office_a).get(f"{BASE}/{rnd.pk}/results", {"subject": "科学"})
    assert response.status_code == 400 and "尚未导入成绩" in response.json()["detail"]


def test_value_added_that_cannot_be_computed(world, login):
    rnd = scored_round(world, schools=world.schools_a[:1])
    response = login(world.office_a).get(f"{BASE}/{rnd.pk}/value-added", {"subject": "数学"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("无法计算增值评价：")
    no_prior = scored_round(world, title="无前测")
    no_prior.scores.update(prior=None)
    response = login(world.office_a).get(f"{BASE}/{no_prior.pk}/value-added", {"subject": "数学"})
    assert response.status_code == 400 and "前测" in response.json()["detail"]


def test_other_district_and_missing_round_404(world, login):
    rnd = scored_round(world, status=RoundStatus.PUBLISHED)
    other, own = _token_client(world.office_b), _token_client(world.office_a)
    for path in ("results", "value-added"):
        assert other.get(f"{BASE}/{rnd.pk}/{path}", {"subject": "数学"}).status_code == 404
        assert own.get(f"{BASE}/999999/{path}", {"subject": "数学"}).status_code == 404
        assert own.get(f"{BASE}/{rnd.pk}/{path}", {"subject": "数学"}).status_code == 200


def test_school_token_sees_only_own_school_after_publication(world):
    rnd = scored_round(world)
    client = _token_client(world.principal_a)
    for path in ("results", "value-added"):
        assert client.get(f"{BASE}/{rnd.pk}/{path}", {"subject": "数学"}).status_code == 404
    rnd.status = RoundStatus.PUBLISHED
    rnd.save(update_fields=["status"])
    own = world.schools_a[0].code
    results = client.get(f"{BASE}/{rnd.pk}/results", {"subject": "数学"}).json()
    assert [s["code"] for s in results["schools"]] == [own]
    assert results["county"]["n"] == 90  # the county's figures are shared
    va = client.get(f"{BASE}/{rnd.pk}/value-added", {"subject": "数学"}).json()
    assert [s["code"] for s in va["schools"]] == [own] and va["n_schools"] == 3
    # another district's school user: 404
    assert _token_client(world.office_b).get(f"{BASE}/{rnd.pk}/results", {"subject": "数学"}).status_code == 404


def test_anonymous_is_401(world):
    rnd = scored_round(world)
    assert Client().get(f"{BASE}/{rnd.pk}/results", {"subject": "数学"}).status_code == 401
