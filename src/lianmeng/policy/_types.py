"""JSON-exact scalar types for the interchange models.

Pydantic's own ``int``/``float`` accept ``true`` (even in strict mode for literals) and its
optional fields accept ``null``; JSON Schema refuses both. These types accept exactly what
``schemas/proposal.schema.json`` accepts and raise Chinese messages.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

__all__ = [
    "JsonDate",
    "JsonDateTime",
    "integer",
    "no_bool",
    "number",
    "parse_rfc3339",
]

_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _bounds(value: int | float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise PydanticCustomError("lm_minimum", "应不小于 {minimum}", {"minimum": minimum})
    if maximum is not None and value > maximum:
        raise PydanticCustomError("lm_maximum", "应不大于 {maximum}", {"maximum": maximum})


def integer(minimum: int | None = None, maximum: int | None = None) -> Any:
    """JSON Schema ``integer``: ints and integral floats (5.0), never booleans."""

    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PydanticCustomError("lm_integer", "应为整数")
        if isinstance(value, float):
            if not value.is_integer():
                raise PydanticCustomError("lm_integer", "应为整数")
            value = int(value)
        _bounds(value, minimum, maximum)
        return value

    schema: dict[str, Any] = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return Annotated[int, BeforeValidator(check), WithJsonSchema(schema)]


def number(minimum: float | None = None, maximum: float | None = None) -> Any:
    """JSON Schema ``number``: keeps ints as ints so an export equals its import."""

    def check(value: object) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PydanticCustomError("lm_number", "应为数字")
        if isinstance(value, float) and not math.isfinite(value):
            raise PydanticCustomError("lm_number", "应为有限数字（不能为 NaN 或无穷大）")
        _bounds(value, minimum, maximum)
        return value

    schema: dict[str, Any] = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return Annotated[int | float, BeforeValidator(check), WithJsonSchema(schema)]


def no_bool(value: object) -> object:
    """Literal[1] would take ``true``; JSON Schema ``const``/``enum`` would not."""
    if isinstance(value, bool):
        raise PydanticCustomError("lm_bool_for_int", "应为整数，不能为布尔值")
    return value


def parse_rfc3339(value: str) -> datetime:
    """Parse an RFC 3339 date-time (offset required) into an aware datetime."""
    match = _DATETIME.fullmatch(value)
    if not match:
        raise ValueError(value)
    day, clock, fraction, offset = match.groups()
    fraction = f".{(fraction or '0')[:6]:0<6}"
    offset = "+00:00" if offset in ("Z", "z") else offset
    return datetime.fromisoformat(f"{day}T{clock}{fraction}{offset}")


def _check_datetime(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("lm_string", "应为字符串")
    try:
        parse_rfc3339(value)
    except ValueError:
        raise PydanticCustomError(
            "lm_datetime", "应为带时区的日期时间，如 2020-09-01T10:00:00+08:00"
        ) from None
    return value


def _check_date(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("lm_string", "应为字符串")
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("lm_date", "应为日期，如 2019-05-20") from None
    return value


#: RFC 3339 date-time kept as the original string, so export is unchanged.
JsonDateTime = Annotated[
    str, BeforeValidator(_check_datetime), WithJsonSchema({"type": "string", "format": "date-time"})
]
#: ISO 8601 calendar date (YYYY-MM-DD) kept as the original string.
JsonDate = Annotated[
    str, BeforeValidator(_check_date), WithJsonSchema({"type": "string", "format": "date"})
]
