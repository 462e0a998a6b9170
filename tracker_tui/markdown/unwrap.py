"""Formatting around a whole cell: ``**REL-101**``, `` `done` ``, ``[2024-05-01](notes.md)``.

An ID, a status or a date is read without it, and the formatting is kept as a wrapper
(``**{}**``) in a format hint, so that export writes the value back as it was written.
"""

from __future__ import annotations

import re

#: ``{}`` in a wrapper stands for the value.
SLOT = "{}"

_WRAPPERS = (
    re.compile(r"^(\*\*)(?=\S)(.*?\S)(\*\*)$"),
    re.compile(r"^(__)(?=\S)(.*?\S)(__)$"),
    re.compile(r"^(\*)(?=[^\s*])(.*?[^\s*])(\*)$"),
    re.compile(r"^(_)(?=[^\s_])(.*?[^\s_])(_)$"),
    re.compile(r"^(`)([^`]+)(`)$"),
    re.compile(r"^(~~)(?=\S)(.*?\S)(~~)$"),
)
_LINK_RE = re.compile(r"^(\[)([^\[\]]+)(\]\([^()\s]*(?:\([^()\s]*\))?[^()\s]*\))$")


def unwrap(text: str, *, links: bool = True) -> tuple[str, str]:
    """(value, wrapper): ``**[X-1](u)**`` → (``X-1``, ``**[{}](u)**``); text with no
    formatting around all of it → (text, "")."""
    prefix, suffix = "", ""
    value = text
    for _ in range(3):  # bold around a link around code is as deep as real cells go
        for pattern in (*_WRAPPERS, *((_LINK_RE,) if links else ())):
            match = pattern.match(value)
            if match is not None and match.group(2).strip() == match.group(2):
                prefix, suffix = prefix + match.group(1), match.group(3) + suffix
                value = match.group(2)
                break
        else:
            break
    if not prefix:
        return text, ""
    return value, prefix + SLOT + suffix


def wrap(value: str, wrapper: str | None) -> str:
    """``value`` inside ``wrapper`` (``**{}**``); as it is without one, or when empty."""
    if not wrapper or not value or SLOT not in wrapper:
        return value
    prefix, _, suffix = wrapper.partition(SLOT)
    return prefix + value + suffix
