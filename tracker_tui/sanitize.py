"""Text safety: what one user types is drawn on every other user's terminal.

``clean_text`` runs when text enters the store (form, CLI, import) and ``display_text`` when
it is drawn, so that no terminal control sequence ever reaches a terminal raw. Rich markup
is never interpreted: widgets render user text as ``rich.text.Text`` objects, never as
markup strings (see ``tracker_tui/widgets``).
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and C1 controls. ESC (\x1b) is among them, so
# CSI/OSC sequences lose their introducer; the printable remainder is harmless text.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_CHARS_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A whole escape sequence (CSI, OSC, DCS...), removed together with its parameters so
# that no "[31m" debris is left behind.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
    r"|\x1b[ -/]*[0-~]"  # two-character escapes
)
# Bidirectional overrides can make text read differently from what it is.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Any character that ``_strip`` would change: every sequence above starts with one of
# them (ESC, 8-bit CSI/OSC). Most text has none, and then one search is all it costs.
_NEEDS_CLEANING = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NEEDS_CLEANING_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` without terminal control sequences or control characters.

    Args:
        text: untrusted text.
        multiline: keep newlines (notes); otherwise newlines become spaces.
    """
    if (_NEEDS_CLEANING_MULTILINE if multiline else _NEEDS_CLEANING).search(text) is None:
        return text
    return _strip(text, multiline=multiline)


def _strip(text: str, *, multiline: bool) -> str:
    """``clean_text`` the long way (every substitution, whatever the text holds)."""
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _BIDI_CONTROLS.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        return _CONTROL_CHARS.sub("", text)
    text = text.replace("\n", " ").replace("\t", " ")
    return _CONTROL_CHARS_ONE_LINE.sub("", text)


def display_text(text: str) -> str:
    """Text made safe to draw on a single line of a terminal."""
    return clean_text(text, multiline=False)
