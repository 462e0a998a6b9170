"""RecordTable: a virtual table that draws only the rows on screen (Textual's line API).

Textual's ``DataTable`` builds every row up front; this table keeps plain row objects and
renders a line when the compositor asks for it, caching rendered lines (LRU keyed by row
key, row version, width and cursor state), so that 10,000 rows start, scroll and update as
cheaply as ten.

API (stable: other screens build on it)
---------------------------------------

    from tracker_tui.widgets.record_table import Column, RecordTable

    table = RecordTable(
        columns=[
            Column("id", "ID", width=6, priority=100),
            Column("title", "Title", width=16, max_width=None, priority=90),
            Column("status", "Status", width=11, priority=80,
                   render=lambda value, width: Text(value, style="green")),
            Column("notes", "Notes", width=12, priority=10),   # dropped first when narrow
        ],
        key=lambda row: row.id,            # default: row.id, or row["id"] for a mapping
        empty_text="Nothing here yet.",
        id="tasks",
    )

    Column(key, label, width=10, max_width=None, priority=50, value=None, render=None,
           sort_key=None, justify="left", search=None, grow=1, fit=None, gap=1)
        width      the minimum width; a column grows towards max_width (None: no limit)
                   when there is room. Columns are shown in declaration order.
        fit        the column is at least as wide as its widest value (plain text), up
                   to ``fit`` cells, whatever ``width``/``max_width`` say: for keys that
                   must never be cut (IDs). The widest value is kept as rows come and go
                   (one ``len`` per row added), never measured per frame.
        priority   the lowest priority is dropped first when the widget is too narrow.
        value      row -> value (default: attribute ``key`` of the row, or row[key]).
        render     (value, width) -> rich Text | str; default: the value as plain text.
                   A str is NEVER parsed as markup. User text must go through
                   ``tracker_tui.sanitize.display_text`` (the default renderer does).
        sort_key   value -> sortable (default: the value; None sorts first).
        search     value -> the text the filter matches (default: str(value)).
        grow       how many spare cells the column takes per round when there is room
                   (Title 3, Notes 2: they get most of a wide terminal).
        gap        the spaces between this column and the next one shown (0: a narrow
                   gutter that sits against its neighbour, like the marker column).

    table.set_rows(rows)                 replace every row (cursor stays on its key)
    table.start_over(rows)               replace every row as a new table would (no marks,
                                         filter or sort; cursor on the first row, at the top)
    table.incomplete = True              more rows are on their way (a first screenful
                                         shown before the rest is read): home/g and
                                         end/G hold until the next set_rows, which
                                         moves the cursor to the new first/last row
    table.update_row(key, row)           replace one row; only that line is redrawn
    table.remove_row(key)                drop one row
    table.rows / table.visible_rows      all rows / rows after filter and sort, in order
    table.row_count                      len(visible_rows)
    table.get_row(key)                   the row with that key, or None
    table.cursor_row                     index into visible_rows (settable), -1 when empty
    table.cursor_key                     key under the cursor, or None
    table.cursor_value                   row under the cursor, or None
    table.move_cursor_to_key(key) -> bool
    table.filter_text = "text"           case-insensitive match over every column's text
    table.filter_predicate = fn | None   row -> bool, combined with filter_text
    table.sort_by(column_key, reverse=None)  same column again reverses; None: document order
    table.sort_column / table.sort_reverse
    table.set_marker(key, text | None)   a transient mark (a glyph such as ✎) drawn in the
                                         row's cell of the marker column; None clears it
    table.marker_column = "edited"       the column markers are drawn in: a narrow column of
                                         their own, declared like any other (it gives way by
                                         priority). A marker never takes another column's
                                         place: with no marker column shown, it is not drawn
    table.row_classes = fn | None        row -> component class name (e.g. "-stale") or None
    table.empty_text                     shown when there are no rows at all
    table.visible_columns                the Columns that fit the current width

Messages (each has ``control``, so ``@on(RecordTable.RowSelected, "#tasks")`` works):

    RecordTable.RowHighlighted(table, key, row)   the cursor moved to another row
    RecordTable.RowSelected(table, key, row)      enter or a click on the highlighted row

Keys: up/k, down/j, home/g, end/G, pageup, pagedown, enter. Mouse: click selects a row
(a click on the highlighted row posts RowSelected), the wheel scrolls.

Component classes for styling: ``record-table--header``, ``record-table--cursor``,
``record-table--marker``, ``record-table--empty``, plus whatever ``row_classes`` returns.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tracker_tui.sanitize import display_text
from tracker_tui.widgets.glyphs import ascii_mode, truncate

CellRenderer = Callable[[Any, int], "Text | str"]
_CACHE_SIZE = 2000


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a RecordTable (see the module docstring)."""

    key: str
    label: str
    width: int = 10
    max_width: int | None = None
    priority: int = 50
    value: Callable[[Any], Any] | None = None
    render: CellRenderer | None = None
    sort_key: Callable[[Any], Any] | None = None
    justify: Literal["left", "right", "center"] = "left"
    search: Callable[[Any], str] | None = None
    grow: int = 1
    fit: int | None = None
    gap: int = 1

    def get(self, row: Any) -> Any:
        if self.value is not None:
            return self.value(row)
        if isinstance(row, dict):
            return row.get(self.key)
        return getattr(row, self.key, None)

    def text(self, row: Any) -> str:
        """The cell as plain text (for filtering)."""
        value = self.get(row)
        if self.search is not None:
            return self.search(value)
        return "" if value is None else str(value)


def _default_key(row: Any) -> Hashable:
    key: Hashable = row["id"] if isinstance(row, dict) else row.id
    return key


def _sortable(value: Any) -> tuple[int, Any]:
    # None and "" sort first; mixed types fall back to their text.
    if value is None or value == "":
        return (0, "")
    if isinstance(value, str):
        return (1, value.casefold())
    return (1, value)


class _RowMessage(Message):
    """What a message about one row carries: the table, the row's key and the row."""

    def __init__(self, table: RecordTable, key: Hashable, row: Any) -> None:
        self.table = table
        self.key = key
        self.row = row
        super().__init__()

    @property
    def control(self) -> RecordTable:
        return self.table


class RecordTable(ScrollView, can_focus=True):
    """A virtual table of keyed rows; see the module docstring for the API."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("home,g", "cursor_first", "First", show=False, id="table.first"),
        Binding("end,G", "cursor_last", "Last", show=False, id="table.last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page-up"),
        Binding("enter", "select_cursor", "Open", id="table.select"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-table--header",
        "record-table--cursor",
        "record-table--marker",
        "record-table--empty",
    }

    # Reusable widget: its defaults live here; the app's stylesheet may override them.
    DEFAULT_CSS = """
    RecordTable {
        overflow-x: hidden;
        overflow-y: auto;
        height: 1fr;
        background: $surface;
        & > .record-table--header { text-style: bold; background: $panel; }
        & > .record-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .record-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .record-table--marker { color: $warning; text-style: bold; }
        & > .record-table--empty { color: $text-muted; }
    }
    """

    class RowHighlighted(_RowMessage):
        """The cursor moved to another row."""

    class RowSelected(_RowMessage):
        """A row was chosen: enter, or a click on the highlighted row."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[Any], Hashable] = _default_key,
        empty_text: str = "No rows.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.columns: list[Column] = list(columns)
        self._key = key
        self.empty_text = empty_text
        self._rows: dict[Hashable, Any] = {}
        self._order: list[Hashable] = []  # document order of keys
        self._view: list[Hashable] = []  # keys after filter and sort
        self._index: dict[Hashable, int] = {}  # key -> position in _view
        self._versions: dict[Hashable, int] = {}
        self._markers: dict[Hashable, Text] = {}
        self._cursor = -1
        self._highlighted: Hashable | None = None
        self._filter_text = ""
        self._filter_predicate: Callable[[Any], bool] | None = None
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.marker_column: str | None = None
        self.row_classes: Callable[[Any], str | None] | None = None
        #: More rows are on their way (the next ``set_rows`` brings them): first/last
        #: then mean the first/last row of the whole list, not of what is here so far.
        self.incomplete = False
        self._pin: Literal["first", "last"] | None = None
        self._layout: list[tuple[Column, int]] = []
        self._layout_width = -1
        self._layout_fit: dict[str, int] = {}
        self._layout_token = 0
        self._lines: OrderedDict[tuple[Hashable, ...], Strip] = OrderedDict()
        self._empty_cache: dict[tuple[Hashable, ...], list[Text]] = {}
        # fit columns: key -> widest value seen (cells); None when a removal may have
        # shrunk it (measured again, once, at the next layout)
        self._fit: dict[str, int | None] = {c.key: 0 for c in self.columns if c.fit}

    # -- rows --------------------------------------------------------------------------

    @property
    def rows(self) -> list[Any]:
        """Every row, in the order given to ``set_rows``."""
        return [self._rows[key] for key in self._order]

    @property
    def visible_rows(self) -> list[Any]:
        """Rows that pass the filter, in display order."""
        return [self._rows[key] for key in self._view]

    @property
    def row_count(self) -> int:
        return len(self._view)

    def get_row(self, key: Hashable) -> Any | None:
        return self._rows.get(key)

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Replace every row. The cursor stays on the same key when it is still there."""
        keep = self.cursor_key
        self._rows = {}
        self._order = []
        for row in rows:
            row_key = self._key(row)
            if row_key not in self._rows:
                self._order.append(row_key)
            self._rows[row_key] = row
            self._versions[row_key] = self._versions.get(row_key, 0) + 1
        self._markers = {k: v for k, v in self._markers.items() if k in self._rows}
        if self._fit:
            self._measure_fit()
        pin = self._pin
        self._rebuild_view(keep)
        if pin is not None and self._view:
            # g/G pressed while the list was incomplete: to the first/last row of it now.
            self.cursor_row = 0 if pin == "first" else len(self._view) - 1
            self._pin = pin if self.incomplete else None

    def start_over(self, rows: Iterable[Any]) -> None:
        """Show ``rows`` as a new table would: no marks, filter or sort, the cursor on
        the first row, scrolled to the top. For a screen that now shows other data (its
        rows share keys with the old ones, which must keep none of their state)."""
        self._markers = {}
        self._filter_text = ""
        self.sort_column = None
        self.sort_reverse = False
        self._pin = None
        self._cursor = -1
        self._highlighted = None
        self._fit = {c.key: 0 for c in self.columns if c.fit}
        self._lines.clear()
        self._empty_cache.clear()
        self.set_rows(rows)
        self.scroll_to(y=0, animate=False)
        self.cursor_row = 0

    def update_row(self, key: Hashable, row: Any) -> None:
        """Replace the row with ``key`` (or add it at the end); redraw only its line.

        When the filter or sort order depend on the changed values, the view is rebuilt
        (the cursor stays on its key).
        """
        if key not in self._rows:
            self._rows[key] = row
            self._order.append(key)
            self._versions[key] = 1
            self._fit_row(row)
            self._rebuild_view(self.cursor_key)
            return
        before = self._rows[key]
        self._rows[key] = row
        self._versions[key] = self._versions.get(key, 0) + 1
        widened = self._fit_row(row)
        if self.sort_column is not None or self._filter_text or self._filter_predicate:
            before = list(self._view)
            self._rebuild_view(self.cursor_key, refresh=False)
            if self._view != before:
                self.refresh()
                return
        if widened:
            self.refresh()  # every line: the columns moved
        else:
            self._refresh_changed_cells(key, before, row)
        if key == self.cursor_key:
            self._post_highlighted(force=True)

    def remove_row(self, key: Hashable) -> None:
        if key not in self._rows:
            return
        index = self._index.get(key, -1)
        removed = self._rows.pop(key)
        self._order.remove(key)
        self._markers.pop(key, None)
        for column in self.columns:
            widest = self._fit.get(column.key)
            if widest is not None and self._fit_width(column, removed) >= widest:
                self._fit[column.key] = None  # it may have been the widest
        keep = self.cursor_key if self.cursor_key != key else None
        self._rebuild_view(keep, fallback_index=index)

    def refresh_key(self, key: Hashable, start: int = 0, end: int | None = None) -> None:
        """Redraw the line of ``key`` if it is on screen (nothing else); only its cells
        ``start`` to ``end`` (x, the whole line by default)."""
        index = self._index.get(key)
        if index is None:
            return
        y = index + 1 - round(self.scroll_y)
        if 1 <= y < self.size.height:
            right = self.size.width if end is None else min(end, self.size.width)
            if right > start:
                self.refresh(Region(start, y, right - start, 1))

    def _refresh_changed_cells(self, key: Hashable, before: Any, after: Any) -> None:
        """Redraw the cells of ``key``'s line that look different now.

        Textual writes only the part of a line that was refreshed, so a progress edit
        sends the terminal its bar (and date), not the whole row: an edit stays a few
        hundred bytes on a wide terminal.
        """
        width = self.scrollable_content_region.width
        classes = self.row_classes
        if width <= 0 or (classes is not None and classes(before) != classes(after)):
            self.refresh_key(key)
            return
        layout = self._columns_for(width)
        first: int | None = None
        last = 0
        x = 0
        for position, (column, cell_width) in enumerate(layout):
            if column.key != self.marker_column and self._cell(
                column, before, cell_width
            ) != self._cell(column, after, cell_width):
                first = x if first is None else first
                last = x + cell_width
            x += cell_width + (column.gap if position < len(layout) - 1 else 0)
        if first is not None:
            self.refresh_key(key, first, last)

    # -- markers -----------------------------------------------------------------------

    def set_marker(self, key: Hashable, marker: Text | str | None) -> None:
        """Show ``marker`` in the row's cell of the marker column (``None`` removes it)."""
        if marker is None:
            if self._markers.pop(key, None) is None:
                return
        else:
            self._markers[key] = (
                marker.copy() if isinstance(marker, Text) else Text(display_text(marker))
            )
        self._versions[key] = self._versions.get(key, 0) + 1
        self.refresh_key(key)

    def get_marker(self, key: Hashable) -> Text | None:
        return self._markers.get(key)

    # -- filter and sort ---------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self._filter_text

    @filter_text.setter
    def filter_text(self, text: str) -> None:
        if text != self._filter_text:
            self._filter_text = text
            self._rebuild_view(self.cursor_key)

    @property
    def filter_predicate(self) -> Callable[[Any], bool] | None:
        return self._filter_predicate

    @filter_predicate.setter
    def filter_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        self._filter_predicate = predicate
        self._rebuild_view(self.cursor_key)

    def sort_by(self, column_key: str | None, reverse: bool | None = None) -> None:
        """Sort by a column; the same column again reverses. ``None``: document order."""
        if reverse is None:
            reverse = (
                column_key is not None
                and column_key == self.sort_column
                and not (self.sort_reverse)
            )
        self.sort_column = column_key
        self.sort_reverse = reverse
        self._layout_token += 1  # the header shows the sort arrow
        self._rebuild_view(self.cursor_key)

    def _matches(self, row: Any, needle: str) -> bool:
        return any(needle in column.text(row).casefold() for column in self.columns)

    def _rebuild_view(
        self, keep: Hashable | None, *, fallback_index: int | None = None, refresh: bool = True
    ) -> None:
        keys = self._order
        needle = self._filter_text.casefold().strip()
        predicate = self._filter_predicate
        if needle or predicate is not None:
            keys = [
                key
                for key in keys
                if (predicate is None or predicate(self._rows[key]))
                and (not needle or self._matches(self._rows[key], needle))
            ]
        else:
            keys = list(keys)
        if self.sort_column is not None:
            column = self._column(self.sort_column)
            if column is not None:
                sort_key = column.sort_key or (lambda value: value)
                keys.sort(
                    key=lambda k: _sortable(sort_key(column.get(self._rows[k]))),
                    reverse=self.sort_reverse,
                )
        self._view = keys
        self._index = {key: i for i, key in enumerate(keys)}
        self.virtual_size = Size(0, len(keys) + 1)
        if keep is not None and keep in self._index:
            self._cursor = self._index[keep]
        elif not keys:
            self._cursor = -1
        else:
            base = fallback_index if fallback_index is not None else max(self._cursor, 0)
            self._cursor = min(max(base, 0), len(keys) - 1)
        if refresh:
            self.refresh()
        if self.is_mounted:
            self._scroll_cursor_into_view()
        self._post_highlighted()

    def _column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)

    # -- cursor ------------------------------------------------------------------------

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @cursor_row.setter
    def cursor_row(self, index: int) -> None:
        if not self._view:
            return
        self._pin = None  # any move of the cursor ends a pending first/last
        index = min(max(index, 0), len(self._view) - 1)
        if index == self._cursor:
            return
        old_key = self.cursor_key
        self._cursor = index
        if old_key is not None:
            self.refresh_key(old_key)
        self._scroll_cursor_into_view()
        self.refresh_key(self._view[index])
        self._post_highlighted()

    @property
    def cursor_key(self) -> Hashable | None:
        return self._view[self._cursor] if 0 <= self._cursor < len(self._view) else None

    @property
    def cursor_value(self) -> Any | None:
        key = self.cursor_key
        return None if key is None else self._rows[key]

    def move_cursor_to_key(self, key: Hashable) -> bool:
        """Put the cursor on ``key``; False when that row is not shown."""
        index = self._index.get(key)
        if index is None:
            return False
        self.cursor_row = index
        return True

    def cursor_region(self, column_key: str | None = None) -> Region | None:
        """Where the cursor row is on the screen: its cell in ``column_key`` when that
        column is shown, else the whole row; None when there is no cursor row in view
        (for a popup that opens beside the row it acts on)."""
        key = self.cursor_key
        content = self.scrollable_content_region
        y = content.y + 1 + self._cursor - round(self.scroll_y)  # 1: the header line
        if key is None or not content.y < y < content.bottom:
            return None
        x = content.x
        for column, width in self._columns_for(content.width):
            if column.key == column_key:
                return Region(x, y, width, 1)
            x += width + 1
        return Region(content.x, y, content.width, 1)

    def _page(self) -> int:
        return max(1, self.size.height - 2)

    def _scroll_cursor_into_view(self) -> None:
        if self._cursor < 0:
            return
        visible = max(1, self.size.height - 1)
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False)

    def _post_highlighted(self, *, force: bool = False) -> None:
        key = self.cursor_key
        if key is None or (key == self._highlighted and not force):
            self._highlighted = key
            return
        self._highlighted = key
        self.post_message(self.RowHighlighted(self, key, self._rows[key]))

    def action_cursor_down(self) -> None:
        self.cursor_row = self._cursor + 1

    def action_cursor_up(self) -> None:
        self.cursor_row = self._cursor - 1

    def action_cursor_first(self) -> None:
        self.cursor_row = 0
        if self.incomplete:
            self._pin = "first"

    def action_cursor_last(self) -> None:
        self.cursor_row = len(self._view) - 1
        if self.incomplete:
            self._pin = "last"

    def action_page_down(self) -> None:
        self.cursor_row = self._cursor + self._page()

    def action_page_up(self) -> None:
        self.cursor_row = self._cursor - self._page()

    def action_select_cursor(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key, self._rows[key]))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = offset.y - 1 + round(self.scroll_y)
        if not 0 <= index < len(self._view):
            return
        event.stop()
        if index == self._cursor:
            self.action_select_cursor()
        else:
            self.cursor_row = index

    # -- layout ------------------------------------------------------------------------

    @property
    def visible_columns(self) -> list[Column]:
        return [column for column, _ in self._columns_for(self.scrollable_content_region.width)]

    @staticmethod
    def _fit_width(column: Column, row: Any) -> int:
        value = column.get(row)
        text = "" if value is None else str(value)
        if text.isascii() and text.isprintable():
            return len(text)  # the common case (IDs), without the sanitizer
        return cell_len(display_text(text))

    def _measure_fit(self) -> None:
        """The widest value of each fit column over every row (one pass per set_rows)."""
        rows = self._rows.values()
        for column in self.columns:
            if column.key in self._fit:
                self._fit[column.key] = max(
                    (self._fit_width(column, row) for row in rows), default=0
                )

    def _fit_row(self, row: Any) -> bool:
        """Widen fit columns for a new or changed row; True when one grew."""
        grew = False
        for column in self.columns:
            widest = self._fit.get(column.key, 0)
            if column.key not in self._fit or widest is None:
                continue
            needed = self._fit_width(column, row)
            if needed > widest:
                self._fit[column.key] = needed
                if min(needed, column.fit or 0) > min(widest, column.fit or 0):
                    grew = True  # _columns_for lays the columns out again
        return grew

    def _fit_widths(self) -> dict[str, int]:
        """The width of each fit column: its widest value, between width and fit."""
        widths: dict[str, int] = {}
        for column in self.columns:
            if column.key not in self._fit:
                continue
            widest = self._fit[column.key]
            if widest is None:  # a removed row may have been the widest
                self._measure_fit()
                widest = self._fit[column.key] or 0
            widths[column.key] = max(column.width, min(widest, column.fit or 0))
        return widths

    @staticmethod
    def _gaps(shown: Sequence[Column]) -> int:
        """The spaces between the ``shown`` columns (each column's gap, but the last's)."""
        return sum(column.gap for column in shown[:-1])

    def _columns_for(self, width: int) -> list[tuple[Column, int]]:
        """The columns that fit in ``width`` and their widths (each column's gap between)."""
        fitted = self._fit_widths() if self._fit else {}
        if width == self._layout_width and fitted == self._layout_fit:
            return self._layout
        minimum = {column.key: fitted.get(column.key, column.width) for column in self.columns}
        maximum = {
            column.key: (
                max(column.max_width, fitted[column.key])
                if column.key in fitted and column.max_width is not None
                else column.max_width
            )
            for column in self.columns
        }
        shown = list(self.columns)
        while shown:
            need = sum(minimum[column.key] for column in shown) + self._gaps(shown)
            if need <= width or len(shown) == 1:
                break
            shown.remove(min(shown, key=lambda column: column.priority))
        widths = {column.key: minimum[column.key] for column in shown}
        spare = width - (sum(widths.values()) + self._gaps(shown))
        # Hand out spare cells one at a time, highest priority first, up to each max.
        growable = sorted(
            (c for c in shown if maximum[c.key] is None or (maximum[c.key] or 0) > widths[c.key]),
            key=lambda column: -column.priority,
        )
        while spare > 0 and growable:
            grew = False
            for column in growable:
                if spare <= 0:
                    break
                most = maximum[column.key]
                room = spare if most is None else most - widths[column.key]
                step = min(max(column.grow, 0), room, spare)
                if step > 0:
                    widths[column.key] += step
                    spare -= step
                    grew = True
            if not grew:
                break
        self._layout = [(column, widths[column.key]) for column in shown]
        self._layout_width = width
        self._layout_fit = fitted
        self._layout_token += 1
        return self._layout

    def _on_resize(self, event: events.Resize) -> None:
        self._lines.clear()
        self._empty_cache = {}
        self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._empty_cache = {}
        self._layout_token += 1

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh_key(self.cursor_key) if self.cursor_key is not None else None

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh_key(self.cursor_key) if self.cursor_key is not None else None

    # -- rendering ---------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        # The content width without the vertical scrollbar: nothing may be cut at the right.
        width = self.scrollable_content_region.width
        base = self.rich_style
        if width <= 0:
            return Strip.blank(0)
        layout = self._columns_for(width)
        if y == 0:
            return self._header_strip(layout, width, base)
        if not self._view:
            return self._empty_strip(y, width, base)
        index = y - 1 + round(self.scroll_y)
        if not 0 <= index < len(self._view):
            return Strip.blank(width, base)
        key = self._view[index]
        is_cursor = index == self._cursor
        cache_key = (
            key,
            self._versions.get(key, 0),
            width,
            is_cursor,
            is_cursor and self.has_focus,
            self._layout_token,
        )
        strip = self._lines.get(cache_key)
        if strip is not None:
            self._lines.move_to_end(cache_key)
            return strip
        strip = self._row_strip(key, layout, width, base, is_cursor)
        self._lines[cache_key] = strip
        if len(self._lines) > _CACHE_SIZE:
            self._lines.popitem(last=False)
        return strip

    def _to_strip(self, line: Text, width: int, base: Style) -> Strip:
        segments = list(line.render(self.app.console))
        return Strip(Segment.apply_style(segments, base)).adjust_cell_length(width, base)

    def _header_strip(self, layout: list[tuple[Column, int]], width: int, base: Style) -> Strip:
        cache_key = ("header", width, self._layout_token, self.sort_column, self.sort_reverse)
        strip = self._lines.get(cache_key)
        if strip is not None:
            return strip
        style = self.get_component_rich_style("record-table--header")
        line = Text(style=style, end="", no_wrap=True)
        ascii = ascii_mode(self)
        up, down = ("^", "v") if ascii else ("▲", "▼")
        arrow = down if self.sort_reverse else up
        for position, (column, cell_width) in enumerate(layout):
            label = column.label + (arrow if column.key == self.sort_column else "")
            cell = Text(label, no_wrap=True, justify=column.justify)
            truncate(cell, cell_width, ascii=ascii, pad=True)
            line.append_text(cell)
            if position < len(layout) - 1:
                line.append(" " * column.gap)
        strip = self._to_strip(line, width, base + style)
        self._lines[cache_key] = strip
        return strip

    def _empty_lines(self, width: int) -> list[Text]:
        """The empty text, wrapped to ``width`` (cached per width and text)."""
        text = self.empty_text
        if self._order and (self._filter_text or self._filter_predicate):
            needle = self._filter_text
            text = f"No rows match {needle!r}." if needle else "No rows match."
        cache_key = ("empty", width, text)
        lines = self._empty_cache.get(cache_key)
        if lines is None:
            style = self.get_component_rich_style("record-table--empty")
            body = Text(display_text(text), style=style)
            lines = list(body.wrap(self.app.console, max(1, width - 1)))
            self._empty_cache = {cache_key: lines}
        return lines

    def _empty_strip(self, y: int, width: int, base: Style) -> Strip:
        lines = self._empty_lines(width)
        index = y - 2
        if not 0 <= index < len(lines):
            return Strip.blank(width, base)
        line = Text(" ", end="", no_wrap=True) + lines[index]
        return self._to_strip(line, width, base)

    def _row_strip(
        self,
        key: Hashable,
        layout: list[tuple[Column, int]],
        width: int,
        base: Style,
        is_cursor: bool,
    ) -> Strip:
        row = self._rows[key]
        row_style = Style()
        if self.row_classes is not None:
            name = self.row_classes(row)
            if name:
                try:
                    row_style = self.get_component_rich_style(name)
                except KeyError:
                    row_style = Style()
        if is_cursor:
            row_style = row_style + self.get_component_rich_style("record-table--cursor")
        marker = self._markers.get(key)
        line = Text(style=row_style, end="", no_wrap=True)
        ascii = ascii_mode(self)
        for position, (column, cell_width) in enumerate(layout):
            if column.key == self.marker_column:
                # Its own narrow column: a marker never covers another column's data.
                cell = Text() if marker is None else marker.copy()
                cell.stylize(self.get_component_rich_style("record-table--marker", partial=True))
            else:
                cell = self._cell(column, row, cell_width)
            cell.no_wrap = True
            cell.justify = column.justify
            truncate(cell, cell_width, ascii=ascii)
            if column.justify == "right":
                cell.pad_left(cell_width - cell.cell_len)
            else:
                cell.pad_right(cell_width - cell.cell_len)
            line.append_text(cell)
            if position < len(layout) - 1:
                line.append(" " * column.gap)
        return self._to_strip(line, width, base)

    @staticmethod
    def _cell(column: Column, row: Any, width: int) -> Text:
        value = column.get(row)
        if column.render is not None:
            rendered = column.render(value, width)
            if isinstance(rendered, Text):
                return rendered.copy()
            return Text(display_text(str(rendered)))
        return Text(display_text("" if value is None else str(value)))
