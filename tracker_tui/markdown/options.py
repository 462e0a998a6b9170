"""How a user tells the importer to read a document: ``--map`` and ``--kind``.

``--map "Decided by=owner"`` sends a header to a field for every kind that has the field;
``--map "risks:Response=mitigation"`` for one kind only; ``=extra`` keeps a column out of
every field. ``--kind tasks`` reads every table that has a field of that kind as that kind.
Both are kept with the tracker (``ReadOptions.as_json``) so that a re-import reads the
document the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tracker_tui.domain import TrackerError
from tracker_tui.markdown.synonyms import SYNONYMS, normalise_header

#: The kinds a table or a section record can be read as, with the names users type.
READ_KINDS: dict[str, str] = {
    "task": "task",
    "tasks": "task",
    "risk": "risk",
    "risks": "risk",
    "decision": "decision",
    "decisions": "decision",
}
TABLE_KINDS = ("task", "risk", "decision")
EXTRA = "extra"


class UsageError(TrackerError):
    """A ``--map`` or ``--kind`` the importer cannot follow: the CLI exits 2."""


def valid_fields(kind: str) -> tuple[str, ...]:
    """The fields a header of ``kind`` may be mapped to (``extra`` included)."""
    return (*SYNONYMS[kind], EXTRA)


def fields_help() -> str:
    return "; ".join(f"{kind}s: {', '.join(valid_fields(kind))}" for kind in TABLE_KINDS)


@dataclass(frozen=True)
class Mapping:
    """One ``--map``: ``kind`` None means every kind that has ``field``."""

    kind: str | None
    header: str  # normalised
    field: str
    written: str  # as the user typed it

    def applies(self, kind: str) -> bool:
        return (self.kind is None or self.kind == kind) and self.field in valid_fields(kind)


def parse_kind(text: str) -> str:
    kind = READ_KINDS.get(text.strip().casefold())
    if kind is None:
        raise UsageError(f"--kind {text!r}: use tasks, risks or decisions")
    return kind


def parse_mapping(text: str) -> Mapping:
    """``[kind:]Header=field`` → a Mapping.

    Raises:
        UsageError: no ``=``, an unknown kind or a field no kind has (the message lists
            the valid fields).
    """
    head, equals, field = text.rpartition("=")
    field = field.strip().casefold().replace(" ", "_")
    kind: str | None = None
    prefix, colon, rest = head.partition(":")
    if colon and prefix.strip().casefold() in READ_KINDS:
        kind, head = READ_KINDS[prefix.strip().casefold()], rest
    header = normalise_header(head)
    if not equals or not header or not field:
        raise UsageError(
            f"--map {text!r}: write it as 'Header=field' or 'risks:Header=field'; "
            f"valid fields: {fields_help()}"
        )
    kinds = [kind] if kind else list(TABLE_KINDS)
    if not any(field in valid_fields(k) for k in kinds):
        where = f"{kind}s" if kind else "any kind"
        raise UsageError(
            f"--map {text!r}: {field!r} is not a field of {where}; valid fields: {fields_help()}"
        )
    return Mapping(kind, header, field, text)


@dataclass(frozen=True)
class ReadOptions:
    """What the user asked of the importer; empty for a plain import."""

    kind: str | None = None
    mappings: tuple[Mapping, ...] = ()

    def field_for(self, kind: str, header: str) -> str | None:
        """The field a ``--map`` sends this (normalised) header to for ``kind``."""
        for mapping in reversed(self.mappings):  # the last one given wins
            if mapping.header == header and mapping.applies(kind):
                return mapping.field
        return None

    @property
    def empty(self) -> bool:
        return self.kind is None and not self.mappings

    def as_json(self) -> str:
        """What the tracker keeps, to read a re-import the same way."""
        return json.dumps(
            {"kind": self.kind, "map": [m.written for m in self.mappings]}, ensure_ascii=False
        )

    @classmethod
    def from_args(cls, kind: str | None, maps: list[str] | None) -> ReadOptions:
        return cls(
            kind=parse_kind(kind) if kind else None,
            mappings=tuple(parse_mapping(m) for m in maps or []),
        )

    @classmethod
    def from_json(cls, text: str | None) -> ReadOptions:
        """The options a tracker was imported with (empty for none or a damaged value)."""
        try:
            data = json.loads(text or "{}")
            return cls.from_args(data.get("kind"), list(data.get("map") or []))
        except (ValueError, TypeError, AttributeError, TrackerError):
            return cls()
