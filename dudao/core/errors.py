"""One application error type, mapped to HTTP responses in one place (views and API)."""

from dataclasses import dataclass

from django.core.exceptions import BadRequest


@dataclass
class RowError:
    """One problem found in an import file: where it is and what is wrong (in Chinese)."""

    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class ApplicationError(Exception):
    """A refusal a user must read: the message is written in Chinese; `errors` lists details."""

    status = 400

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class PermissionDenied(ApplicationError):
    status = 403


class NulCharacterSent(BadRequest):
    """A request whose parameters hold a NUL character (core.input_guard answers it with a 400)."""
