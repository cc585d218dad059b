"""The demo's 专项检查 and 民办教育 (issue 23): the 12 training institutions with licences, two expired (registry);
a 节前安全稳定 round finished and a 暑期违规补课 round in progress (rounds, fill); its report and 通报 (outputs);
a 年检 with results (annual); one violation with a penalty (violations); two school requests (requests)."""

from dudao.demo.checks import annual, fill, outputs, registry, requests, rounds, violations


def load_checks(*, admin, office_user, county) -> None:
    for part in (registry, rounds, fill, outputs, annual, violations, requests):
        part.load(admin=admin, office_user=office_user, county=county)
