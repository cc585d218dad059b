"""A complaint's workflow through the pages: one POST-only URL per move (交办, 核实, 答复, 办结). Each works for
whoever may make it, is refused with the Chinese message otherwise (nothing changes), and another district gets
404. The page shows only the moves the user may make, each posting to its own URL."""

from dudao.zones import services
from dudao.zones.models import Complaint

MOVES = ["assign", "verify", "reply", "close"]


def _complaint(world):
    return services.complaint_receive(actor=None, school=world.schools_a[0], kind="complaint", channel="public_page",
                                      content="学校要求购买教辅资料。", complainant_phone="13700000000")


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_each_move_has_its_own_url(world, posted, login):
    complaint = _complaint(world)
    url = f"/zones/complaints/{complaint.pk}/"
    office = login(world.office_a)
    for move in MOVES:
        assert office.get(f"{url}{move}/").status_code == 405, move
    page = office.get(url).content.decode()
    assert f'action="{url}assign/"' in page and f'action="{url}verify/"' in page and 'name="to_status"' not in page
    assert f'action="{url}close/"' not in page  # not a move from 已交办
    # refused: closing before it is verified and replied
    bad = office.post(f"{url}close/", {"note": "重复"}, follow=True)
    assert "不能变为“已办结”" in messages_of(bad)
    assert Complaint.objects.get(pk=complaint.pk).status == "assigned"
    # refused: the verification needs the facts and a conclusion
    inspector = login(world.inspector_a)
    bad = inspector.post(f"{url}verify/", {"verification": "", "substantiated": "unknown"}, follow=True)
    assert "请填写核实情况，并选择反映情况是否属实。" in messages_of(bad)
    ok = inspector.post(f"{url}verify/", {"verification": "经核实属实，已要求整改。", "substantiated": "true",
                                          "raise_finding": "on", "finding_item": "r3"}, follow=True)
    assert "办理结果已保存。" in messages_of(ok)
    bad = inspector.post(f"{url}reply/", {"reply_channel": "none"}, follow=True)
    assert "反映人留有联系方式，应当答复。" in messages_of(bad)
    ok = inspector.post(f"{url}reply/", {"reply_channel": "phone", "reply_text": "已电话答复。"}, follow=True)
    assert "办理结果已保存。" in messages_of(ok)
    # the inspector may not close it; the office may
    bad = inspector.post(f"{url}close/", follow=True)
    assert "您无权将该投诉变更为“已办结”。" in messages_of(bad)
    assert Complaint.objects.get(pk=complaint.pk).status == "replied"
    ok = login(world.office_a).post(f"{url}close/", follow=True)
    assert "办理结果已保存。" in messages_of(ok) and Complaint.objects.get(pk=complaint.pk).status == "closed"


def test_another_district_gets_404_for_every_move(world, posted, login):
    complaint = _complaint(world)
    outsider = login(world.office_b)
    for move in MOVES:
        assert outsider.post(f"/zones/complaints/{complaint.pk}/{move}/", {"note": "x"}).status_code == 404, move
    assert Complaint.objects.get(pk=complaint.pk).transitions.count() == 2  # received, auto-assigned
