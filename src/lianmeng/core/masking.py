"""Masked forms of personal data (个人信息去标识化展示) for lists and exports.

Who sees a full value and who a masked one is decided elsewhere (``lianmeng.proposals.contacts``
for liaisons, ``lianmeng.experts.selectors.contact_visible`` for experts); this module only
says what a masked value looks like. In the spirit of GB/T 35273-2020 (个人信息安全规范) a masked
value keeps no more than a reader needs to recognise the record, never enough to call or write:

- telephone (mask_phone): a mobile number keeps its first 3 and last 4 digits (138****5678);
  a landline keeps its area code and the last 2–4 digits of the local number (0371-****0399);
  any other number keeps at most its last 4 digits (a third of them). Separators stay, every
  hidden digit becomes ``*``, so the text keeps its length.
- e-mail (mask_email): the first character, ``***`` and the domain (z***@example.com).
- ID number (mask_id_number): the first character and the last 4 (4************123X for an
  18-character 居民身份证号码): the region, birth date and most of the sequence are hidden.

Every function takes any string and never raises; masking a masked value changes nothing
(``*`` counts as an already hidden position). Full-width digits (０–９) count as digits.
"""

from __future__ import annotations

import unicodedata

MASK_CHAR = "*"

__all__ = ["MASK_CHAR", "mask_email", "mask_id_number", "mask_person", "mask_phone"]


def _digit(ch: str) -> int | None:
    """The value of a decimal digit (ASCII or full-width …), else None."""
    if len(ch) != 1 or not ch.isdigit():
        return None
    return unicodedata.decimal(ch, None)


def _mask_positions(text: str, positions: list[int], head: int, tail: int) -> str:
    """Replace every position but the first ``head`` and the last ``tail`` by ``*``."""
    keep = set(positions[:head]) | set(positions[len(positions) - tail :] if tail else [])
    hide = set(positions) - keep
    return "".join(MASK_CHAR if i in hide else ch for i, ch in enumerate(text))


def _visible(text: str, positions: list[int], count: int) -> list[int] | None:
    """The digit values of the first ``count`` positions, or None if one is hidden/missing."""
    if len(positions) < count:
        return None
    values = [_digit(text[i]) for i in positions[:count]]
    return None if any(v is None for v in values) else values  # type: ignore[return-value]


def _phone_shape(text: str, positions: list[int]) -> tuple[int, int]:
    """(head, tail) kept for this number. Decided only from the kept head and the number of
    positions, so that the masked text is classified the same way (idempotence)."""
    n = len(positions)
    # mobile: 1[3-9]xxxxxxxxx, optionally after 86 / 0086
    for prefix in ((), (8, 6), (0, 0, 8, 6)):
        p = len(prefix)
        head = _visible(text, positions, p + 3)
        if n == p + 11 and head is not None and tuple(head[:p]) == prefix:
            if head[p] == 1 and head[p + 1] >= 3:
                return p + 3, 4
    # landline with area code: 010, 02x (3 digits) or 0xxx (4 digits)
    head = _visible(text, positions, 2)
    if head is not None and head[0] == 0 and head[1] != 0:
        area = 3 if head[1] in (1, 2) else 4
        if n >= area + 5 and _visible(text, positions, area) is not None:
            rest = n - area
            return area, max(2, min(4, rest // 2))
    return 0, min(4, n // 3)


def mask_phone(text: str) -> str:
    """A telephone, mobile or fax number with its middle digits replaced by ``*``."""
    if not isinstance(text, str):
        return ""
    positions = [i for i, ch in enumerate(text) if ch == MASK_CHAR or _digit(ch) is not None]
    if not positions:
        return text
    head, tail = _phone_shape(text, positions)
    return _mask_positions(text, positions, head, tail)


def mask_email(text: str) -> str:
    """``zhang.san@example.com`` → ``z***@example.com``; without ``@``: first character + ``***``."""
    if not isinstance(text, str):
        return ""
    text = text.strip()
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if not at:
        local, domain = text, ""
    first = local[0] if local and local[0] != MASK_CHAR else ""
    return f"{first}***{at}{domain}"


def mask_id_number(text: str) -> str:
    """An identity document number keeping its first character and last 4 (18-character
    居民身份证: ``4************123X``); shorter numbers keep less (at most a quarter)."""
    if not isinstance(text, str):
        return ""
    positions = [i for i, ch in enumerate(text) if ch == MASK_CHAR or ch.isalnum()]
    n = len(positions)
    if not n:
        return text
    head = 1 if n >= 8 else 0
    return _mask_positions(text, positions, head, min(4, n // 4))


#: keys of a person (proposal.schema.json ``$defs/person``) and how each is masked
PERSON_MASKS = {
    "phone": mask_phone,
    "mobile": mask_phone,
    "fax": mask_phone,
    "email": mask_email,
    "id_number": mask_id_number,
}


def mask_person(person: object) -> object:
    """A copy of a person dict (name, phone, mobile, fax, email …) with its contact values
    masked; the name stays (it says whom to ask for). Anything not a dict is returned as is."""
    if not isinstance(person, dict):
        return person
    return {
        key: PERSON_MASKS[key](value) if key in PERSON_MASKS and isinstance(value, str) else value
        for key, value in person.items()
    }
