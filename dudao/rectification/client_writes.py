"""Notice writes through the API, idempotent by the client's id (like POST /visits): the same id again returns
what the first request did and changes nothing. The writes themselves are the pages' services (notices.py)."""

import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.rectification.models import NoticeClientWrite, RectificationNotice


class ClientIdConflict(ApplicationError):
    status = 409


def _earlier(client_id: uuid.UUID, *, actor, notice: RectificationNotice, action: str) -> NoticeClientWrite | None:
    """The write already made with this client id, if any; the id used for anything else is refused."""
    found = NoticeClientWrite.objects.filter(client_id=client_id).first()
    if found is not None and (found.notice_id, found.action, found.actor_id) != (notice.pk, action, actor.pk):
        raise ClientIdConflict("该客户端编号已用于另一项操作，未做任何更改。请为每次新操作生成新的客户端编号。")
    return found


def notice_write_once(*, actor, client_id: uuid.UUID, notice: RectificationNotice, action: str,
                      write: Callable[[], RectificationNotice]) -> tuple[NoticeClientWrite, bool]:
    """Run `write` (a notice service called with this notice) once per client id. Returns (record, created):
    created is False when the id was seen before; then nothing was written."""
    earlier = _earlier(client_id, actor=actor, notice=notice, action=action)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            done = write()
            record = NoticeClientWrite.objects.create(client_id=client_id, notice=notice, action=action, actor=actor,
                                                      status=done.status, at=timezone.now())
    except IntegrityError:
        # The same id committed by a concurrent request: this one's writes are rolled back with the insert.
        earlier = _earlier(client_id, actor=actor, notice=notice, action=action)
        if earlier is None:
            raise
        return earlier, False
    except ApplicationError:
        # A concurrent request with the same id may have moved the notice first (this one then sees a state
        # that no longer allows the move): answer with that request's result, not with the refusal.
        earlier = _earlier(client_id, actor=actor, notice=notice, action=action)
        if earlier is None:
            raise
        return earlier, False
    return record, True
