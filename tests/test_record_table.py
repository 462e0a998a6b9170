"""RecordTable: the virtual table renders only what is on screen and patches rows in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult

from tracker_tui.widgets.record_table import Column, RecordTable


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    notes: str = ""
    size: int = 0


COLUMNS = [
    Column("id", "ID", width=6, priority=100),
    Column("title", "Title", width=10, priority=90, grow=2),
    Column(
        "size",
        "Size",
        width=5,
        max_width=5,
        priority=50,
        justify="right",
        render=lambda value, width: Text(str(value), style="bold"),
    ),
    Column("notes", "Notes", width=12, priority=10),
]


#: A one-cell column against the ID, for markers.
GUTTER = Column("mark", "", width=1, max_width=1, priority=95, gap=0, value=lambda row: "")


def rows(n: int) -> list[Row]:
    return [Row(f"R{i:05d}", f"title {i}", f"note {i}", i % 7) for i in range(n)]


class TableApp(App[None]):
    def __init__(self, data: list[Row], columns: list[Column] | None = None) -> None:
        super().__init__()
        self.data = data
        self.columns = COLUMNS if columns is None else columns
        self.messages: list[object] = []

    def compose(self) -> ComposeResult:
        yield RecordTable(self.columns, empty_text="Nothing yet.", id="t")

    def on_mount(self) -> None:
        self.query_one(RecordTable).set_rows(self.data)

    def on_record_table_row_selected(self, message: RecordTable.RowSelected) -> None:
        self.messages.append(message)

    def on_record_table_row_highlighted(self, message: RecordTable.RowHighlighted) -> None:
        self.messages.append(message)


def lines(table: RecordTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


class TestRendering:
    async def test_only_visible_rows_are_rendered(self):
        app = TableApp(rows(10_000))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            assert table.row_count == 10_000
            # Cached lines are the visible ones only (plus the header): not 10,000.
            assert len(table._lines) <= table.size.height + 1
            await pilot.press("G")
            await pilot.pause()
            assert table.cursor_key == "R09999"
            assert "R09999" in lines(table)[-1]
            assert len(table._lines) <= 2 * (table.size.height + 1)

    async def test_header_stays_fixed_while_scrolling(self):
        app = TableApp(rows(100))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            await pilot.press("pagedown", "pagedown")
            await pilot.pause()
            assert lines(table)[0].startswith("ID")
            assert table.scroll_y > 0

    async def test_user_text_is_never_markup(self):
        app = TableApp([Row("R1", "[@click=app.quit]x[/]", "[b]bold?[/b] \x1b[31mred")])
        async with app.run_test(size=(80, 8)) as pilot:
            await pilot.pause()
            row = lines(app.query_one(RecordTable))[1]
            assert "[@click=app.quit]x[/]" in row
            assert "[b]bold?[/b]" in row
            assert "\x1b" not in row

    async def test_low_priority_columns_give_way(self):
        app = TableApp(rows(3))
        async with app.run_test(size=(30, 8)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            assert [c.key for c in table.visible_columns] == ["id", "title", "size"]
            assert all(len(line) <= 30 for line in lines(table))
            await pilot.resize_terminal(80, 8)
            await pilot.pause()
            assert [c.key for c in table.visible_columns] == ["id", "title", "size", "notes"]

    async def test_empty_text(self):
        app = TableApp([])
        async with app.run_test(size=(40, 8)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            assert "Nothing yet." in "\n".join(lines(table))
            assert table.cursor_key is None


class TestUpdates:
    async def test_update_row_refreshes_one_line(self, monkeypatch):
        app = TableApp(rows(50))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            regions: list[tuple] = []
            original = table.refresh

            def spy(*args, **kwargs):
                regions.append(args)
                return original(*args, **kwargs)

            monkeypatch.setattr(table, "refresh", spy)
            table.update_row("R00003", Row("R00003", "changed", "note 3", 3))
            # Only the row's line, and on it only the cells that changed (the title):
            # the terminal is not sent the ID again.
            [(region,)] = regions
            assert region.y == 4 and region.height == 1
            assert region.x > 0 and region.right < table.size.width
            await pilot.pause()
            assert "changed" in lines(table)[4]

    async def test_update_row_with_nothing_new_to_show_repaints_nothing(self, monkeypatch):
        app = TableApp(rows(5))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            regions: list[tuple] = []
            original = table.refresh

            def spy(*args, **kwargs):
                regions.append(args)
                return original(*args, **kwargs)

            monkeypatch.setattr(table, "refresh", spy)
            same = table.get_row("R00003")
            table.update_row("R00003", same)
            assert regions == []

    async def test_set_rows_keeps_cursor_on_its_key(self):
        app = TableApp(rows(20))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.move_cursor_to_key("R00010")
            table.set_rows(list(reversed(rows(20))))
            assert table.cursor_key == "R00010"
            assert table.cursor_row == 9

    async def test_remove_row_moves_cursor_to_neighbour(self):
        app = TableApp(rows(5))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.move_cursor_to_key("R00004")
            table.remove_row("R00004")
            assert table.cursor_key == "R00003"

    async def test_marker_shows_in_its_own_column_and_hides_nothing(self):
        app = TableApp(rows(3), columns=[GUTTER, *COLUMNS])
        async with app.run_test(size=(80, 8)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.marker_column = "mark"
            before = lines(table)
            table.set_marker("R00001", "✎")
            await pilot.pause()
            after = lines(table)
            assert after[2].startswith("✎R00001 ")
            assert after[2][1:] == before[2][1:]  # every value where it was
            table.set_marker("R00001", None)
            await pilot.pause()
            assert lines(table) == before

    async def test_marker_is_not_drawn_over_a_value_when_its_column_gave_way(self):
        narrow = [Column("mark", "", width=1, max_width=1, priority=1, gap=0), *COLUMNS]
        app = TableApp(rows(3), columns=narrow)
        async with app.run_test(size=(24, 8)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.marker_column = "mark"
            before = lines(table)
            table.set_marker("R00001", "edited by priya")
            await pilot.pause()
            assert "mark" not in [column.key for column in table.visible_columns]
            assert lines(table) == before

    async def test_a_gap_of_zero_puts_a_column_against_the_next(self):
        app = TableApp(rows(3), columns=[GUTTER, *COLUMNS])
        async with app.run_test(size=(80, 8)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            # One cell more than the table without it, not two.
            assert lines(table)[1].startswith(" R00000 ")


class TestFilterAndSort:
    async def test_filter_text_matches_any_column(self):
        app = TableApp(rows(30))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.filter_text = "NOTE 2"
            assert [r.id for r in table.visible_rows] == [
                "R00002",
                *[f"R000{n}" for n in range(20, 30)],
            ]
            table.filter_text = "zzz"
            assert table.row_count == 0
            await pilot.pause()
            assert "No rows match 'zzz'." in "\n".join(lines(table))
            table.filter_text = ""
            assert table.row_count == 30

    async def test_filter_predicate(self):
        app = TableApp(rows(30))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.filter_predicate = lambda row: row.size == 0
            assert {r.size for r in table.visible_rows} == {0}

    async def test_sort_then_reverse_then_document_order(self):
        app = TableApp(rows(10))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.sort_by("size")
            sizes = [r.size for r in table.visible_rows]
            assert sizes == sorted(sizes)
            table.sort_by("size")
            assert table.sort_reverse
            assert [r.size for r in table.visible_rows] == sorted(sizes, reverse=True)
            await pilot.pause()
            assert "Size▼" in lines(table)[0]
            table.sort_by(None)
            assert [r.id for r in table.visible_rows] == [r.id for r in rows(10)]


class TestInput:
    async def test_keys_and_messages(self):
        app = TableApp(rows(100))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            await pilot.press("j", "j", "k")
            assert table.cursor_key == "R00001"
            await pilot.press("end")
            assert table.cursor_key == "R00099"
            await pilot.press("home", "pagedown")
            assert table.cursor_row == table.size.height - 2
            await pilot.press("pageup", "enter")
            await pilot.pause()
            selected = [m for m in app.messages if isinstance(m, RecordTable.RowSelected)]
            assert selected and selected[-1].key == "R00000"
            assert selected[-1].control is table

    async def test_click_highlights_then_selects(self):
        app = TableApp(rows(10))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            await pilot.click(RecordTable, offset=(2, 3))
            assert table.cursor_key == "R00002"
            await pilot.click(RecordTable, offset=(2, 3))
            await pilot.pause()
            assert any(
                isinstance(m, RecordTable.RowSelected) and m.key == "R00002" for m in app.messages
            )

    async def test_wheel_scrolls(self):
        app = TableApp(rows(100))
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            for _ in range(3):
                table.post_message(
                    events.MouseScrollDown(table, 5, 5, 0, 1, 0, False, False, False, 5, 5)
                )
            await pilot.pause(0.2)
            assert table.scroll_y > 0
            assert lines(table)[0].startswith("ID")


class TestFitColumn:
    """A ``fit`` column (IDs) is as wide as its widest value: never cut."""

    COLUMNS: ClassVar[list[Column]] = [
        Column("id", "ID", width=6, max_width=7, fit=16, priority=100),
        Column("title", "Title", width=10, priority=90, grow=3),
        Column("notes", "Notes", width=12, priority=10),
    ]

    class App(TableApp):
        def compose(self) -> ComposeResult:
            yield RecordTable(TestFitColumn.COLUMNS, id="t")

    @staticmethod
    def ids(table: RecordTable) -> list[str]:
        return [line.split(" ")[0] for line in lines(table)[1:] if line.strip()]

    async def test_long_ids_are_shown_whole(self):
        data = [Row(f"UT-{n:05d}", f"title {n}") for n in range(1, 30)]
        app = self.App(data)
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            assert self.ids(table)[:3] == ["UT-00001", "UT-00002", "UT-00003"]
            assert dict((c.key, w) for c, w in table._columns_for(58))["id"] == 8

    async def test_short_ids_keep_the_declared_widths(self):
        app = self.App([Row(f"UT-{n:03d}", "t") for n in range(1, 4)])
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            assert dict((c.key, w) for c, w in table._columns_for(58))["id"] == 7  # max_width

    async def test_follows_rows_added_and_removed_and_is_capped(self):
        app = self.App([Row("UT-001", "t")])
        async with app.run_test(size=(80, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.update_row("UT-0000000001", Row("UT-0000000001", "t"))
            await pilot.pause()
            assert "UT-0000000001" in self.ids(table)
            table.update_row("X" * 40, Row("X" * 40, "t"))
            await pilot.pause()
            assert dict((c.key, w) for c, w in table._columns_for(78))["id"] == 16
            table.remove_row("X" * 40)
            table.remove_row("UT-0000000001")
            await pilot.pause()
            assert dict((c.key, w) for c, w in table._columns_for(78))["id"] == 7

    async def test_the_width_is_not_measured_per_frame(self, monkeypatch):
        app = self.App([Row(f"UT-{n:05d}", "t") for n in range(1000)])
        async with app.run_test(size=(60, 12)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            measured: list[object] = []
            original = RecordTable._fit_width
            monkeypatch.setattr(
                RecordTable,
                "_fit_width",
                staticmethod(lambda column, row: measured.append(row) or original(column, row)),
            )
            table.scroll_to(y=500, animate=False)
            table.refresh()
            await pilot.pause()
            assert measured == []
            table.update_row("UT-00007", Row("UT-00007", "changed"))
            assert len(measured) == 1
