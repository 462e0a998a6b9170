"""The sanitizer: no terminal control sequence survives, printable text is untouched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker_tui.sanitize import _strip, clean_text, display_text

HOSTILE = {
    "colour": "\x1b[31mred\x1b[0m",
    "clear screen": "before\x1b[2J\x1b[Hafter",
    "OSC 52 clipboard write": "x\x1b]52;c;ZWNobyBwd25lZA==\x07y",
    "title change": "\x1b]0;owned\x1b\\title",
    "cursor move": "a\x1b[10;10Hb",
    "8-bit CSI": "a\x9b31mb",
    "bell and backspace": "a\x07\x08b",
    "DCS": "a\x1bPq#0;2;0;0;0\x1b\\b",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_escape_sequences_never_survive(text: str) -> None:
    cleaned = clean_text(text, multiline=True)
    assert "\x1b" not in cleaned
    assert not any(0x80 <= ord(c) <= 0x9F for c in cleaned)
    assert not any(ord(c) < 0x20 and c not in "\n\t" for c in cleaned)


def test_parameters_of_a_sequence_leave_no_debris() -> None:
    assert clean_text("\x1b[31mred\x1b[0m") == "red"
    assert clean_text("x\x1b]52;c;ZWNobw==\x07y") == "xy"


def test_newlines_and_tabs_are_kept_only_where_allowed() -> None:
    assert clean_text("line one\nline\ttwo", multiline=True) == "line one\nline\ttwo"
    assert display_text("line one\nline\ttwo") == "line one line two"
    assert clean_text("a\r\nb", multiline=True) == "a\nb"


def test_markup_is_plain_text_to_the_sanitizer() -> None:
    # Markup is neutralised at render time (Text objects), not by mangling what was typed.
    assert clean_text("[bold red]x[/] [@click=app.quit]") == "[bold red]x[/] [@click=app.quit]"


def test_bidi_overrides_are_removed() -> None:
    assert clean_text("abc\u202edef") == "abcdef"


def test_printable_unicode_is_untouched() -> None:
    text = "✅ Complete – UT-001 «ok» 日本語 🟡"
    assert clean_text(text) == text


@given(st.text())
def test_no_control_character_survives_arbitrary_text(text: str) -> None:
    for multiline in (False, True):
        cleaned = clean_text(text, multiline=multiline)
        allowed = "\n\t" if multiline else ""
        assert not any(
            (ord(c) < 0x20 and c not in allowed) or 0x7F <= ord(c) <= 0x9F for c in cleaned
        )


CONTROLISH = st.text(
    alphabet=st.sampled_from(
        list("ab [];0123456789mH\n\t\r\x07\x1b\x9b\x9c\x9d\x7f\x00\u202e\u2066✅")
    )
)


@given(st.one_of(st.text(), CONTROLISH))
def test_fast_path_agrees_with_the_full_substitutions(text: str) -> None:
    # Text without a control character is returned as is; anything else goes the long
    # way: the result is the same either way.
    for multiline in (False, True):
        assert clean_text(text, multiline=multiline) == _strip(text, multiline=multiline)


def test_clean_text_returns_clean_text_itself() -> None:
    text = "UT-001 Build the thing – 40% ✅"
    assert clean_text(text) is text
    notes = "line one\nline\ttwo"
    assert clean_text(notes, multiline=True) is notes
    assert clean_text(notes) == "line one line two"
