"""fill: the failure rules of a checklist answer, as a pure function (no database), shared by the service, the
page and the API.

A yes/no item fails on 否 ("no"); 不适用 ("na") never fails; a number fails outside [number_min, number_max]
(either bound may be missing); a text item never fails."""

from decimal import Decimal, InvalidOperation

YES_NO = "yes_no"
NUMBER = "number"
TEXT = "text"
YES_NO_VALUES = ("yes", "no", "na")
NUMBER_LIMIT = Decimal("9999999999.99")  # CheckAnswer.number: 12 digits, 2 decimals


class AnswerError(ValueError):
    """An answer that cannot be read (its message is Chinese and names the item)."""


def parse_number(raw) -> Decimal:
    """A finite decimal with at most two decimals inside the stored range, else AnswerError."""
    if isinstance(raw, bool):
        raise AnswerError("不是数值")
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise AnswerError("不是数值") from None
    if not value.is_finite():
        raise AnswerError("不是数值")
    if abs(value) > NUMBER_LIMIT:
        raise AnswerError("数值超出范围")
    return value.quantize(Decimal("0.01"))


def answer_fails(answer_kind: str, *, value: str = "", number: Decimal | None = None,
                 number_min: Decimal | None = None, number_max: Decimal | None = None) -> bool:
    """Whether an answer fails its item. `value` is yes/no/na for yes_no items; `number` for number items."""
    if answer_kind == YES_NO:
        return value == "no"
    if answer_kind == NUMBER:
        if number is None:
            return False
        if number_min is not None and number < number_min:
            return True
        return number_max is not None and number > number_max
    return False
