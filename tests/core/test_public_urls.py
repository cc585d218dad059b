"""The readable public prefixes, and the old gs/ gk/ dc/ ones printed on plaques still leading there."""
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_old_public_prefixes_redirect_permanently_keeping_path_and_query():
    client = Client()
    for old, new in [("/gs/1101010001/", "/public/plaque/1101010001/"),
                     ("/gk/", "/public/results/"),
                     ("/gk/7/", "/public/results/7/"),
                     ("/gk/feed.atom", "/public/results/feed.atom"),
                     ("/dc/abc/1101010001/?from=qr", "/public/survey/abc/1101010001/?from=qr")]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old


def test_a_complaint_posted_to_the_old_address_is_redirected_with_its_method():
    response = Client().post("/gs/1101010001/", {"kind": "complaint", "content": "x"})
    assert response.status_code == 308 and response["Location"] == "/public/plaque/1101010001/"


def test_hostile_paths_stay_on_this_site():
    client = Client()
    for old in ["/gs//evil.example/", "/gk/%2F%2Fevil.example", "/dc/..%2F..%2Fadmin/"]:
        response = client.get(old)
        assert response.status_code in (301, 404)
        if response.status_code == 301:
            assert response["Location"].startswith("/public/") and "//" not in response["Location"][1:8]


def test_the_results_page_answers_at_its_readable_address(world):
    assert Client().get("/public/results/").status_code == 200


def test_dot_segments_cannot_walk_out_of_the_public_prefix():
    client = Client()
    for old in ["/gs/..%2F..%2Fcore%2Flogout", "/gk/../../users/", "/dc/./x/", "/gs/a/..%2F..%2F"]:
        assert client.get(old).status_code == 404, old
