"""Workflows (DESIGN.md rule 3): a status field, the allowed moves declared once, and an append-only transition
table (`from_status`, `to_status`, `actor`, `at`, `note`).

An app declares `Workflow(noun, moves, labels)` next to its status enum, refuses any other move with
`workflow.check(current, to)` in its service, and logs each move with `TransitionRecord.record(...)`.
"""

from collections.abc import Iterable, Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.core.errors import ApplicationError


class Workflow:
    """The allowed moves of one workflow: state → the states it may move to. A move may name who may make it
    (state → {to: who}); `backward` lists the moves back, which callers treat differently (a reason, sort last)."""

    def __init__(self, noun: str, moves: Mapping[str, Iterable[str] | Mapping[str, object]], labels,
                 *, backward: Iterable[tuple[str, str]] = ()):
        self.noun = noun
        self.labels = {str(value): str(label) for value, label in dict(labels).items()}
        self.moves: dict[str, dict[str, object]] = {
            str(state): ({str(to): who for to, who in targets.items()} if isinstance(targets, Mapping)
                         else dict.fromkeys(map(str, targets)))
            for state, targets in moves.items()}
        self.backward = {(str(a), str(b)) for a, b in backward}

    def label(self, state: str) -> str:
        return self.labels.get(str(state), str(state))

    def allowed_from(self, state: str) -> list[str]:
        """What may come next, in declared order."""
        return list(self.moves.get(str(state), {}))

    def allows(self, state: str, to: str) -> bool:
        return str(to) in self.moves.get(str(state), {})

    def who(self, state: str, to: str):
        """What the declaration says about who may make this move (None when it says nothing)."""
        return self.moves.get(str(state), {}).get(str(to))

    def is_backward(self, state: str, to: str) -> bool:
        return (str(state), str(to)) in self.backward

    def check(self, state: str, to: str) -> None:
        """Refuse any move not declared, naming both states and what may come next."""
        if not self.allows(state, to):
            allowed = "、".join(self.label(s) for s in self.allowed_from(state)) or "无"
            raise ApplicationError(f"{self.noun}当前为“{self.label(state)}”，不能变为“{self.label(to)}”（可转到：{allowed}）。")


class TransitionRecord(models.Model):
    """Abstract append-only log row of a workflow move. Subclasses add the foreign key to what moved (named by
    `subject_field`) and set `workflow`, so the labels come from the one declaration."""

    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    subject_field: ClassVar[str] = ""
    workflow: ClassVar[Workflow]

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{getattr(self, self.subject_field + '_id', '')}: {self.from_status}→{self.to_status}"

    @property
    def from_label(self) -> str:
        return self.workflow.label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self.workflow.label(self.to_status)

    @classmethod
    def record(cls, subject, *, to_status: str, from_status: str = "", actor=None, at=None, note: str = "", **extra):
        """Append one row; an anonymous or missing actor is stored as none (a system or public step)."""
        return cls.objects.create(**{cls.subject_field: subject}, from_status=from_status, to_status=to_status,
                                  actor=actor if getattr(actor, "is_authenticated", False) else None,
                                  at=at or timezone.now(), note=note, **extra)

    @classmethod
    def history(cls, subject):
        """The moves of one subject, oldest first, with their actors."""
        return cls.objects.filter(**{cls.subject_field: subject}).select_related("actor").order_by("at", "id")
