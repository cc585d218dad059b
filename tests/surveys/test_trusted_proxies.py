"""Behind a trusted reverse proxy the public survey limits and burst detection count each parent's address,
not the proxy's (TRUSTED_PROXIES; dudao.core.middleware.client_ip)."""

from django.test import Client

from dudao.core.services import policy_set
from dudao.surveys.models import SurveyResponse
from dudao.surveys.responses import ip_digest
from tests.surveys.conftest import answers


def _post(survey, school, source):
    url = f"/api/v1/public/surveys/{survey.token}/{school.code}/responses"
    return Client().post(url, {"answers": answers()}, content_type="application/json",
                         REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=source)


def test_honest_parents_behind_the_proxy_are_not_flagged(world, survey, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for n in range(6):  # surveys.burst_identical = 5: identical answers from six different homes
        assert _post(survey, world.schools_a[0], f"203.0.113.{n + 1}").status_code == 201
    assert not SurveyResponse.objects.filter(flagged=True).exists()
    assert SurveyResponse.objects.filter(ip_hash=ip_digest("203.0.113.1")).count() == 1


def test_one_address_behind_the_proxy_is_still_flagged_and_limited(world, survey, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    policy_set(actor=world.admin, key="surveys.responses_per_ip_hour", value=6)
    for n in range(6):  # a spoofed left part changes nothing: the proxy's entry is what counts
        assert _post(survey, world.schools_a[0], f"1.2.3.{n}, 198.51.100.9").status_code == 201
    assert SurveyResponse.objects.filter(flagged=True).exists()
    assert _post(survey, world.schools_a[0], "198.51.100.9").status_code == 429
    assert _post(survey, world.schools_a[0], "198.51.100.10").status_code == 201


def test_without_trusted_proxies_the_header_gives_no_new_allowance(world, survey, settings):
    settings.TRUSTED_PROXIES = []
    policy_set(actor=world.admin, key="surveys.responses_per_ip_hour", value=2)
    assert _post(survey, world.schools_a[0], "203.0.113.1").status_code == 201
    assert _post(survey, world.schools_a[0], "203.0.113.2").status_code == 201
    assert _post(survey, world.schools_a[0], "203.0.113.3").status_code == 429
