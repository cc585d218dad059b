"""One action, one URL: each action on a notice or a talk has its own POST-only view. A GET is refused (405),
another district gets 404, an action that does not exist is 404, and a refusal is a Chinese message."""

from dudao.rectification import notices, selectors
from dudao.rectification.models import NoticeStatus, Talk

NOTICE_ACTIONS = ["acknowledge", "start", "report", "verify", "file", "order"]
TALK_ACTIONS = ["hold", "dismiss"]


def test_notice_actions_one_url_each(world, ledger, login):
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    office = login(world.office_a)
    for action in NOTICE_ACTIONS:
        assert office.get(f"/rectification/notices/{notice.pk}/{action}/").status_code == 405, action
    assert office.post(f"/rectification/notices/{notice.pk}/approve/").status_code == 404
    outsider = login(world.office_b)
    for action in NOTICE_ACTIONS:
        assert outsider.post(f"/rectification/notices/{notice.pk}/{action}/").status_code == 404, action
    principal = login(world.principal_a)
    page = principal.post(f"/rectification/notices/{notice.pk}/start/", follow=True).content.decode()
    assert "整改通知书当前为“已下发”，不能变为“整改中”" in page
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED
    page = principal.post(f"/rectification/notices/{notice.pk}/acknowledge/", follow=True).content.decode()
    assert "已签收整改通知书。" in page
    page = principal.post(f"/rectification/notices/{notice.pk}/start/", follow=True).content.decode()
    assert "已开始整改。" in page


def test_talk_actions_one_url_each(world, ledger, login):
    office = login(world.office_a)
    office.post("/rectification/talks/new/", {"findings": ",".join(str(f.pk) for f in ledger.findings),
                                              "reason": "问题长期未整改。"})
    talk = Talk.objects.get()
    assert selectors.talk_actions(world.office_a, talk) == {"hold", "dismiss"}
    assert selectors.talk_actions(world.principal_a, talk) == set() == selectors.talk_actions(world.inspector_a, talk)
    for action in TALK_ACTIONS:
        assert office.get(f"/rectification/talks/{talk.pk}/{action}/").status_code == 405, action
    page = office.post(f"/rectification/talks/{talk.pk}/dismiss/", {"reason": ""}, follow=True).content.decode()
    assert "不予约谈须写明理由。" in page
    outsider = login(world.office_b)
    for action in TALK_ACTIONS:
        assert outsider.post(f"/rectification/talks/{talk.pk}/{action}/", {"reason": "x"}).status_code == 404
    talk.refresh_from_db()
    assert talk.status == "proposed"
    page = login(world.office_a).post(f"/rectification/talks/{talk.pk}/dismiss/", {"reason": "已整改完毕。"},
                                      follow=True).content.decode()
    assert "已决定不予约谈。" in page
    talk.refresh_from_db()
    assert selectors.talk_actions(world.office_a, talk) == set() and 'name="reason"' not in page
