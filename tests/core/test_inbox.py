"""消息: opening a message marks it read and leads to its page; nobody opens another user's messages."""

from django.utils import timezone

from dudao.core.models import Notification
from dudao.core.services import Message, notify


def test_opening_a_message_marks_it_read_and_follows_its_link(world, login):
    notify(messages=[(Message("k1", "notice", "收到整改通知书", "", "/rectification/"), {world.principal_a.pk}),
                     (Message("k2", "notice", "外部链接", "", "https://evil.example/"), {world.principal_a.pk})],
           at=timezone.now())
    first, second = Notification.objects.order_by("key")
    client = login(world.principal_a)
    assert client.get(f"/inbox/{first.pk}/")["Location"] == "/rectification/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get(f"/inbox/{second.pk}/")["Location"] == "/inbox/"  # never an off-site redirect
    assert login(world.office_a).get(f"/inbox/{first.pk}/").status_code == 404
