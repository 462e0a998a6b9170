"""The characters the app draws itself (not user data), in Unicode and in ASCII (``--ascii``).

``--ascii`` is for terminals and fonts without box-drawing characters: in that mode every
character of the app's own chrome (separators, arrows, truncation marks, key names,
scrollbars) is ASCII, while user text (titles, notes) is shown as it is.

- ``glyphs(ascii)`` / ``glyphs_for(node)``: the set to draw with;
- ``truncate(text, width, ascii=...)``: cut at whole characters, the mark right after;
- ``chrome_text(text)``: an app string (a key description) folded to ASCII;
- ``AsciiScrollBarRender``: scrollbars without the eighth-block glyphs.

Whether an app is in ASCII mode is its ``-ascii`` class (``ASCII_CLASS``): the class the
stylesheet already keys its ASCII borders on, so the glyphs and the borders cannot disagree.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segments
from rich.text import Text
from textual.scrollbar import ScrollBar, ScrollBarRender

from tracker_tui.widgets.textual_private import running_app

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

#: The app's class in ASCII mode (``--ascii``), set before its first screen is built.
ASCII_CLASS = "-ascii"


class Glyphs(NamedTuple):
    """The app's own characters, by what they mean."""

    truncated: str  # the mark at the end of a cut-off cell or line (one cell)
    ellipsis: str  # "Saving…": prose that trails off
    dash: str  # "UT-001 – Title", "1–7 of 7"
    separator: str  # between counts: "Complete 3 · Blocked 1"
    arrow: str  # old → new
    open_quote: str
    close_quote: str


UNICODE = Glyphs("…", "…", "–", " · ", " → ", "“", "”")
ASCII = Glyphs("~", "...", "-", ", ", " -> ", '"', '"')


def glyphs(ascii: bool) -> Glyphs:
    return ASCII if ascii else UNICODE


def ascii_mode(node: DOMNode) -> bool:
    """Whether ``node``'s app draws ASCII only (False outside a running app)."""
    try:
        return node.app.has_class(ASCII_CLASS)
    except RuntimeError:  # NoActiveAppError: a widget built outside an app, in a test
        return False


def glyphs_for(node: DOMNode) -> Glyphs:
    return glyphs(ascii_mode(node))


def truncate(text: Text, width: int, *, ascii: bool, pad: bool = False) -> None:
    """Cut ``text`` to at most ``width`` cells in place, marking a cut with the mode's glyph.

    The cut falls between whole characters (a wide CJK character, an emoji sequence joined
    with ZWJ, a letter and its combining accents stay whole) and the mark follows the last
    one kept: when a wide character does not fit, the text is one cell short, never
    ``数据库迁移和 …`` (Rich's own ellipsis pads before the mark). With ``pad``, spaces after
    it make the width exact. Widths are Rich's ``cell_len``, the measure Textual draws by.
    """
    if width <= 0:
        text.truncate(0)
    elif text.cell_len > width:
        mark = (ASCII if ascii else UNICODE).truncated
        keep = fitting_prefix(text.plain, width - cell_len(mark))
        # Through ``plain``, as Rich's own ellipsis: the styles of the text cut off
        # carry on over the mark (a dim tail ends in a dim mark).
        text.plain = text.plain[:keep] + mark
    if pad:
        text.pad_right(width - text.cell_len)


#: Characters that belong to the character before them: a cut never falls before one.
_JOINER, _VARIATIONS = "\u200d", ("\ufe0e", "\ufe0f")


def _boundary(plain: str, index: int) -> bool:
    """Whether ``plain`` may be cut before ``index`` without splitting a character."""
    if index <= 0 or index >= len(plain):
        return True
    after = plain[index]
    if after == _JOINER or after in _VARIATIONS or unicodedata.combining(after):
        return False
    if unicodedata.category(after) in ("Mn", "Me"):
        return False
    return plain[index - 1] != _JOINER


def fitting_prefix(plain: str, cells: int) -> int:
    """The length of the longest prefix of ``plain`` that ends between whole characters and
    takes at most ``cells`` cells, by Rich's measure (``cell_len`` of the prefix itself, so
    that emoji sequences count as Rich and Textual count them)."""
    if cells <= 0:
        return 0
    if plain.isascii():
        return min(len(plain), cells)
    cuts = [index for index in range(len(plain) + 1) if _boundary(plain, index)]
    low, high = 0, len(cuts) - 1  # cuts[low] always fits (the empty prefix)
    while low < high:
        middle = (low + high + 1) // 2
        if cell_len(plain[: cuts[middle]]) <= cells:
            low = middle
        else:
            high = middle - 1
    return cuts[low]


#: The app's own non-ASCII characters (in binding descriptions) and what ASCII shows.
_FOLD = str.maketrans(
    {"…": "...", "–": "-", "—": "-", "·": "|", "▶": ">", "◀": "<", "▲": "^", "▼": "v", "→": "->"}
)


def chrome_text(text: str) -> str:
    """An app string (never user data) in ASCII: known glyphs replaced, others as ``?``."""
    folded = text.translate(_FOLD)
    if folded.isascii():
        return folded
    return "".join(char if char.isascii() else "?" for char in folded)


#: Key names Textual draws as symbols (``⏎``, ``↑``), and what ASCII mode shows instead.
ASCII_KEY_NAMES = {
    "enter": "enter",
    "up": "up",
    "down": "down",
    "left": "left",
    "right": "right",
    "backspace": "bksp",
    "escape": "esc",
    "minus": "-",
    "pagedown": "pgdn",
    "pageup": "pgup",
    "delete": "del",
    "space": "space",
    "tab": "tab",
}


class AsciiScrollBarRender(ScrollBarRender):
    """A scrollbar whose thumb is whole reversed cells: no eighth-block glyphs."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


class ChromeScrollBarRender(ScrollBarRender):
    """Draws with ``AsciiScrollBarRender`` while the running app is in ASCII mode.

    ``ScrollBar.renderer`` is a class attribute (Textual's documented way to change how
    scrollbars draw), and Textual creates scrollbars on demand with no hook per app. So it
    is set only while an ASCII app runs (``AsciiScrollbars``), and even then asks the app
    being drawn which glyphs to use: another app running meanwhile draws as before.
    """

    previous: ClassVar[type[ScrollBarRender]] = ScrollBarRender

    @classmethod
    def render_bar(cls, *args: Any, **kwargs: Any) -> Segments:
        app = running_app()
        ascii = app is not None and app.has_class(ASCII_CLASS)
        renderer = AsciiScrollBarRender if ascii else cls.previous
        return renderer.render_bar(*args, **kwargs)


class AsciiScrollbars:
    """``ChromeScrollBarRender`` in place while at least one ASCII app runs."""

    #: The ASCII apps running now.
    apps: ClassVar[set[int]] = set()

    @classmethod
    def hold(cls, app: App[Any]) -> None:
        """``app`` (in ASCII mode) starts: its scrollbars draw in ASCII until ``release``."""
        if not cls.apps and ScrollBar.renderer is not ChromeScrollBarRender:
            ChromeScrollBarRender.previous = ScrollBar.renderer
            ScrollBar.renderer = ChromeScrollBarRender
        cls.apps.add(id(app))

    @classmethod
    def release(cls, app: App[Any]) -> None:
        """``app`` has stopped: once no ASCII app runs, scrollbars draw as Textual's own."""
        cls.apps.discard(id(app))
        if not cls.apps and ScrollBar.renderer is ChromeScrollBarRender:
            ScrollBar.renderer = ChromeScrollBarRender.previous
