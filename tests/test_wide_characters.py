"""Wide characters: a cut falls between whole characters, the mark right after the last one
kept, and the cell width stays exact. Widths are Rich's ``cell_len`` (what Textual draws by),
also for sequences terminals disagree on (a flag built with ZWJ and a variation selector).

Before the fix a CJK title cut at an even width left a space before the mark
(``数据库迁移和 …``): Rich's ellipsis pads the half of a wide character that does not fit.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import fitting_prefix, truncate

CJK = "数据库迁移和验证套件"
FLAG = "🏳️\u200d🌈"  # white flag, VS16, ZWJ, rainbow: one flag, 2 cells by Rich's measure


def cut(text: str, width: int, *, ascii: bool = False, pad: bool = True) -> str:
    value = Text(text)
    truncate(value, width, ascii=ascii, pad=pad)
    if pad:
        assert cell_len(value.plain) == width, (value.plain, width)
    else:
        assert cell_len(value.plain) <= width
    return value.plain


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (14, "数据库迁移和… "),  # 迁 would need 2 cells: the padding goes after the mark
        (13, "数据库迁移和…"),
        (4, "数… "),
        (3, "数…"),
        (2, "… "),
        (1, "…"),
        (20, CJK),
        (21, CJK + " "),
    ],
)
def test_cjk_is_cut_between_characters_with_no_space_before_the_mark(
    width: int, expected: str
) -> None:
    assert cut(CJK, width) == expected


def test_without_padding_the_text_is_one_cell_short_rather_than_padded_before() -> None:
    assert cut(CJK, 14, pad=False) == "数据库迁移和…"


def test_ascii_mode_marks_the_cut_with_a_tilde() -> None:
    assert cut(CJK, 14, ascii=True) == "数据库迁移和~ "
    assert cut("Programme mobilisation", 10, ascii=True) == "Programme~"


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        (FLAG + " Pride launch", 5, FLAG + " P…"),
        (FLAG * 3, 4, FLAG + "… "),  # the flag stays whole: no bare 🏳 nor dangling ZWJ
        (FLAG * 3, 5, FLAG * 2 + "…"),
        ("e\u0301" * 6, 4, "e\u0301" * 3 + "…"),  # a letter keeps its combining accent
        ("שלום עולם", 5, "שלום…"),
    ],
)
def test_sequences_stay_whole_and_are_measured_as_rich_measures_them(
    text: str, width: int, expected: str
) -> None:
    assert cut(text, width) == expected


def test_the_measure_is_richs_cell_len() -> None:
    # Not the sum of each code point's width (3 for the flag), nor wcwidth's.
    assert fitting_prefix(FLAG, 2) == len(FLAG)
    assert fitting_prefix(FLAG, 1) == 0
    assert cell_len(FLAG) == 2


def test_rich_text_styles_survive_the_cut() -> None:
    value = Text.assemble(("数据库", "bold"), ("迁移和验证", "red"))
    truncate(value, 8, ascii=False, pad=True)
    assert value.plain == "数据库… "
    # The mark is drawn as the text it stands for (as Rich's own ellipsis); not the padding.
    assert [(value.plain[span.start : span.end], str(span.style)) for span in value.spans] == [
        ("数据库", "bold"),
        ("…", "red"),
    ]


async def test_a_cjk_title_at_80x24_is_cut_with_the_mark_against_it(
    seed_store: Store, frozen_settings: Settings, screen_text
) -> None:
    seed_store.update_task("UT-003", {"title": "数据库迁移、种子数据和验证套件"})
    seed_store.update_task("UT-004", {"title": FLAG + " Pride campaign launch"})
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = screen_text(app).splitlines()
        cjk = next(line for line in lines if "UT-003" in line)
        flag = next(line for line in lines if "UT-004" in line)
        plain = next(line for line in lines if "UT-002" in line)
    # The title column is 14 cells at 80 columns: 迁 would end half-way, so the mark
    # follows 、 and the spare cell comes after it.
    assert "数据库迁移、…  M2 " in cjk
    assert " …" not in cjk
    # Each row is 80 cells, and the columns after the title start where a plain row's do.
    for row in (cjk, flag, plain):
        assert cell_len(row) == 80
    milestone = cell_len(plain[: plain.index(" M2 ")])
    assert cell_len(cjk[: cjk.index(" M2 ")]) == milestone
    assert cell_len(flag[: flag.index(" M3 ")]) == milestone
