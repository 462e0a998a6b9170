"""A checkpoint's real date beside its words (issue 14): read from a document, written
back so that it reads back the same, counted down to in the Snapshot header, kept by the
upgrade to schema 6, and refused when an edit gives something that is not a date."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import SAMPLE, settle
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Static

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.domain import Checkpoint, FixedClock, ValidationError
from tracker_tui.markdown import parse_document, read_document, render_document
from tracker_tui.markdown.lists import checkpoint_label, read_checkpoint
from tracker_tui.rules import checkpoint_date, countdown, find_date, next_checkpoint
from tracker_tui.store import rows
from tracker_tui.store.store import Store

TODAY = date(2024, 6, 5)
CLOCK = FixedClock(datetime(2024, 6, 5, 9, 0, tzinfo=UTC), TODAY)

DOCUMENT = """# Launch Tracker

| Task ID | Title | Status | Progress |
| --- | --- | --- | --- |
| UT-007 | Campaign QA | In Progress | 40% |

## Upcoming Checkpoints
- **Week 6 Tuesday** – Campaign QA (UT-007).
- **Week 7 (2024-06-18)** – Legal audit.
- **2024-06-08** – DSAR review.
- **Friday** – Board retro on 7 June 2024.
"""


def checkpoints(text: str) -> list[Checkpoint]:
    return parse_document(text).checkpoints


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Week 6 Tuesday", None),
        ("2024-06-10", date(2024, 6, 10)),
        ("Tue 2024/06/11", date(2024, 6, 11)),
        ("10 June 2024", date(2024, 6, 10)),
        ("June 10, 2024 demo", date(2024, 6, 10)),
        ("Jun 3rd 2025", date(2025, 6, 3)),
        ("10/06/2024", None),  # day or month first: not guessed
        ("2024-13-40", None),
    ],
)
def test_a_recognisable_date_is_found_and_words_alone_are_not(text, expected) -> None:
    assert find_date(text) == expected


def test_an_import_fills_the_date_and_keeps_when_and_text_as_written() -> None:
    found = [(c.when, c.text, c.date) for c in checkpoints(DOCUMENT)]
    assert found == [
        ("Week 6 Tuesday", "Campaign QA (UT-007).", ""),
        ("Week 7", "Legal audit.", "2024-06-18"),
        ("2024-06-08", "DSAR review.", "2024-06-08"),
        ("Friday", "Board retro on 7 June 2024.", "2024-06-07"),
    ]


def test_the_document_exports_exactly_as_written() -> None:
    assert render_document(parse_document(DOCUMENT)) == DOCUMENT


def test_the_sample_checkpoints_have_no_date_and_export_as_before() -> None:
    written = render_document(read_document(SAMPLE))
    assert "- **Week 6 Tuesday** – Campaign manager QA" in written
    assert all(c.date == "" for c in read_document(SAMPLE).checkpoints)


def test_a_date_given_in_the_store_round_trips_with_the_same_when_and_text(
    seed_store: Store,
) -> None:
    first = seed_store.checkpoints()[0]
    seed_store.save_item("checkpoint", first.key, {"date": "2024-06-11"}, expected=first)
    written = render_document(seed_store.export_document())
    assert "- **Week 6 Tuesday (2024-06-11)** – Campaign manager QA" in written
    back = checkpoints(written)[0]
    assert (back.when, back.text, back.date) == (first.when, first.text, "2024-06-11")


def test_items_without_words_before_the_dash_round_trip(seed_store: Store) -> None:
    """The Plan form lets When (and a cadence Label) be empty: export wrote "**–**" and
    "**(2024-06-11)**", which read back as the when "–" and "(2024-06-11)"."""
    seed_store.save_item("checkpoint", None, {"when": "", "text": "No when"})
    seed_store.save_item("checkpoint", None, {"when": "", "text": "Dated", "date": "2024-06-11"})
    seed_store.save_item("cadence", None, {"label": "", "text": "no label"})
    text = render_document(seed_store.export_document())
    assert "- **–** – No when\n- **(2024-06-11)** – Dated\n" in text
    again = parse_document(text)
    assert [(c.when, c.text, c.date) for c in again.checkpoints] == [
        (c.when, c.text, c.date) for c in seed_store.checkpoints()
    ]
    assert again.cadence[-1].label == ""
    assert render_document(again) == text


def test_an_edit_that_is_not_a_date_is_refused_and_nothing_changes(seed_store: Store) -> None:
    first = seed_store.checkpoints()[0]
    with pytest.raises(ValidationError, match="date must be a date as YYYY-MM-DD"):
        seed_store.save_item("checkpoint", first.key, {"date": "next Tuesday"})
    assert seed_store.checkpoints()[0] == first


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2024, 6, 8), "in 3 days"),
        (date(2024, 6, 6), "tomorrow"),
        (TODAY, "today"),
        (date(2024, 6, 4), "overdue by 1 day"),
        (date(2024, 6, 1), "overdue by 4 days"),
    ],
)
def test_the_countdown_text(day: date, text: str) -> None:
    assert countdown(day, TODAY) == text


def test_next_is_one_just_missed_then_the_earliest_ahead_then_the_first_undated() -> None:
    listed = [
        Checkpoint(None, "Week 9", "undated"),
        Checkpoint(None, "Week 8", "ahead", date="2024-06-20"),
        Checkpoint(None, "Week 7", "sooner", date="2024-06-08"),
        Checkpoint(None, "Week 2", "long gone", date="2024-05-01"),
    ]
    assert next_checkpoint(listed, TODAY) == listed[2]
    missed = Checkpoint(None, "Week 6", "missed", date="2024-06-03")
    assert next_checkpoint([*listed, missed], TODAY) == missed
    assert next_checkpoint([listed[0], listed[3]], TODAY) == listed[0]
    assert next_checkpoint([listed[3]], TODAY) is None
    # The field wins over a date the words hold.
    assert checkpoint_date(Checkpoint(None, "2024-06-01", "x", date="2024-06-09")) == date(
        2024, 6, 9
    )


def test_the_store_counts_down_by_its_clock(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "t.db"), user="alice", clock=CLOCK) as store:
        store.import_document(parse_document(DOCUMENT))
        summary = store.summary()
        assert summary.next_checkpoint is not None
        assert (summary.next_checkpoint.text, summary.next_checkpoint_countdown) == (
            "Board retro on 7 June 2024.",
            "in 2 days",
        )
        portfolio = store.portfolio(today=TODAY, stale_days=7)
        assert portfolio[0].next_checkpoint == summary.next_checkpoint


async def test_the_header_shows_the_countdown(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "t.db"), user="alice", clock=CLOCK) as store:
        store.import_document(parse_document(DOCUMENT))
        app = make_app(store, Settings(today=TODAY, path=tmp_path / "config.toml"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            line = str(app.screen.query_one("#header-risks", Static).render())
    assert "Next: Friday (in 2 days) – Board retro on 7 June 2024." in line


async def test_a_long_when_is_cut_before_the_countdown_at_80_columns(tmp_path: Path) -> None:
    when = "Week 6 Tuesday after the steering committee review of the launch plan"
    with Store.open(str(tmp_path / "t.db"), user="alice", clock=CLOCK) as store:
        store.import_document(parse_document(DOCUMENT))
        first = store.checkpoints()[0]
        store.save_item("checkpoint", first.key, {"when": when, "date": "2024-06-06"})
        app = make_app(store, Settings(today=TODAY, path=tmp_path / "config.toml"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            line = str(app.screen.query_one("#header-risks", Static).render())
    assert line.rstrip().endswith("… (tomorrow)")
    assert "Next: Week 6 Tuesday after" in line


def test_a_schema_5_store_upgrades_through_6_with_everything_kept(seed_store: Store) -> None:
    before = (seed_store.checkpoints(), seed_store.metrics(), seed_store.tasks())
    path = seed_store.target.path
    assert path is not None
    seed_store.close()
    with sqlite3.connect(path) as old:
        old.execute('ALTER TABLE checkpoint DROP COLUMN "date"')
        old.execute("ALTER TABLE metric DROP COLUMN extra")
        old.execute("DROP INDEX ix_change_tracker_at")  # schema 7's
        old.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with Store.open(str(path), user="alice") as store:
        assert store.check()["schema_version"] == rows.SCHEMA_VERSION == 7
        assert (store.checkpoints(), store.metrics(), store.tasks()) == before
        assert all(c.date == "" for c in store.checkpoints())
        assert all(m.extra == {} for m in store.metrics())
    assert path.with_name(f"{path.name}.bak-5").exists()


def test_the_standup_and_the_trends_marks_read_the_date_field(tmp_path: Path) -> None:
    """A date given in the store (the words hold none) is what the stand-up's
    "due within 7 days" and the Trends chart's marks read."""
    from tracker_tui.standup.reading import read_since

    with Store.open(str(tmp_path / "t.db"), user="alice", clock=CLOCK) as store:
        store.import_document(parse_document(DOCUMENT))
        week6 = store.checkpoints()[0]
        store.save_item("checkpoint", week6.key, {"date": "2024-06-10"}, expected=week6)
        view = read_since(store, tz=UTC, today=TODAY)
        due = [(item.due, item.checkpoint.when) for item in view.checkpoints_due]
        assert due == [
            (date(2024, 6, 7), "Friday"),
            (date(2024, 6, 8), "2024-06-08"),
            (date(2024, 6, 10), "Week 6 Tuesday"),
        ]
        marks = store.trend_inputs(today=TODAY).checkpoints
        assert (date(2024, 6, 10), "Campaign QA (UT-007).") in marks


_WORDS = st.text(alphabet="abcWeek 0123456789-/,", min_size=1, max_size=20).map(str.strip)


@settings(max_examples=200, deadline=None)
@given(
    when=_WORDS.filter(bool),
    text=_WORDS.filter(bool),
    day=st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2099, 12, 31))),
)
def test_any_checkpoint_bullet_reads_back_to_the_same_when_text_and_date(when, text, day):
    """What export writes beside the label reads back to the same checkpoint, whatever
    dates the words themselves hold."""
    filled = read_checkpoint(when, text).date if day is None else day.isoformat()
    checkpoint = Checkpoint(None, when, text, date=filled)
    assert read_checkpoint(checkpoint_label(checkpoint), text) == checkpoint
