"""Metrics with values: set from the command line, matched by a prefix of their name,
refused with one line when wrong, kept in the history, and round-tripped through markdown."""

from __future__ import annotations

import json
import re

import pytest
from test_cli import run

from tracker_tui.domain import ConflictError, Metric, NotFoundError, ValidationError
from tracker_tui.markdown import parse_document, render_document
from tracker_tui.markdown.metric_text import metric_text, read_metric
from tracker_tui.store.store import Store
from tracker_tui.trends.metrics import match_metric, meets_target, metric_values

METRICS = [
    Metric(1, "Pipeline success rate & mean duration per stage."),
    Metric(2, "Policy acknowledgement coverage."),
    Metric(3, "DSAR SLA completion rate and overdue backlog."),
]


def test_a_unique_prefix_matches_whatever_the_case() -> None:
    assert match_metric(METRICS, "pipeline SUCCESS").key == 1
    assert match_metric(METRICS, "dsar").key == 3
    with pytest.raises(NotFoundError, match="matches 2 metrics"):
        match_metric(METRICS, "p")
    with pytest.raises(NotFoundError, match="no metric starts with 'churn'"):
        match_metric(METRICS, "churn")


def test_values_are_numbers_and_a_target_keeps_the_metrics_unit() -> None:
    metric = METRICS[0]
    assert metric_values(metric, "97.5", unit="%", target="99") == {
        "value": "97.5",
        "unit": "%",
        "target": "99",
    }
    assert metric_values(metric, "97.5%") == {"value": "97.5", "unit": "%"}
    with pytest.raises(ValidationError, match="value must be a number, not 'fast'"):
        metric_values(metric, "fast")
    with_unit = Metric(1, metric.text, value="97", unit="%")
    with pytest.raises(ValidationError, match="target's unit 'ms' differs from the metric's"):
        metric_values(with_unit, None, target="99 ms")
    assert metric_values(with_unit, None, target="<=5") == {"target": "<=5"}


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1e309", "not '1e309'"),  # was 1 with the unit "e309"
        ("1e3", "not '1e3'"),
        ("97,5", "not '97,5' (without commas: 97.5, 1500)"),  # was 97 with the unit ",5"
        ("0x10", "not '0x10'"),
        ("5 2", "not '5 2'"),
        ("\u0661\u0662", "must be a number"),  # Arabic-Indic digits: no ASCII number
        ("nan", "not 'nan'"),
        ("inf", "not 'inf'"),
    ],
)
def test_what_is_not_one_plain_number_is_refused_not_split_into_a_unit(
    typed: str, says: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(says)):
        metric_values(METRICS[0], typed)
    with pytest.raises(ValidationError, match="target must be a number"):
        metric_values(METRICS[0], None, target=typed)


@pytest.mark.parametrize(
    ("typed", "saved"),
    [("  98 ", "98"), ("99%", "99"), ("-0", "0"), ("5.", "5"), ("+.5", "0.5"), ("5x", "5")],
)
def test_a_number_is_kept_as_the_markdown_reads_it_back(typed: str, saved: str) -> None:
    assert metric_values(METRICS[0], typed)["value"] == saved


def test_a_value_with_another_unit_than_given_says_so_without_the_cli_option() -> None:
    # The Plan form says it too, under its Unit field: no "--unit" there.
    with pytest.raises(ValidationError, match=r"'%' differs from the unit given, 'ms'$"):
        metric_values(METRICS[0], "90%", unit="ms")


def test_a_unit_with_a_star_is_refused_as_the_bullet_writes_it_in_bold() -> None:
    with pytest.raises(ValidationError, match="a unit cannot hold"):
        metric_values(METRICS[0], "5", unit="ms*")


def test_a_name_another_metric_has_is_refused_for_a_new_or_renamed_metric(
    seed_store: Store,
) -> None:
    first, other = seed_store.metrics()[:2]
    taken = other.text.rstrip(".").upper()
    with pytest.raises(ValidationError, match="exists") as refused:
        seed_store.set_metric_value("", "5", expected=Metric(None, "x"), text=taken)
    assert refused.value.field == "text"
    with pytest.raises(ValidationError, match="exists"):
        seed_store.set_metric_value("", None, unit="%", expected=first, text=taken)
    # Its own name in another case is no clash.
    renamed = seed_store.set_metric_value("", "5", expected=first, text=first.text.upper())
    assert renamed.text == first.text.upper()
    assert len(seed_store.metrics()) == 7


def test_meeting_a_target_either_way() -> None:
    assert meets_target(Metric(1, "x", value="99.5", target="99")) is True
    assert meets_target(Metric(1, "x", value="97", target="99")) is False
    assert meets_target(Metric(1, "x", value="4", target="<=5")) is True
    assert meets_target(Metric(1, "x", value="4")) is None


def test_values_are_history_tracked_and_undone_like_any_field(seed_store: Store) -> None:
    seed_store.set_metric_value("pipeline", "97.5", unit="%", target="99")
    seed_store.set_metric_value("pipeline", "98")
    metric = seed_store.metric("Pipeline")
    assert (metric.value, metric.unit, metric.target) == ("98", "%", "99")
    fields = [(c.field, c.old, c.new) for c in seed_store.history(str(metric.key))]
    assert ("value", "97.5", "98") in fields and ("target", "", "99") in fields
    seed_store.undo()
    assert seed_store.metric("Pipeline").value == "97.5"


def test_an_empty_target_clears_it(seed_store: Store) -> None:
    seed_store.set_metric_value("pipeline", "97.5", unit="%", target="99")
    seed_store.set_metric_value("pipeline", None, target="")
    metric = seed_store.metric("Pipeline")
    assert (metric.value, metric.unit, metric.target) == ("97.5", "%", "")


def test_a_metric_as_read_is_not_saved_over_another_users_change(seed_store: Store) -> None:
    """The Plan's form passes the metric it read: a change made since is refused."""
    read = seed_store.metric("pipeline")
    seed_store.set_metric_value("pipeline", "97.5")
    with pytest.raises(ConflictError):
        seed_store.set_metric_value("pipeline", "90", expected=read, text="Renamed")
    assert seed_store.metric("pipeline").value == "97.5"


def test_a_metric_with_a_value_round_trips_and_a_plain_bullet_stays_plain(
    seed_store: Store,
) -> None:
    seed_store.set_metric_value("pipeline", "97.5", unit="%", target="99")
    seed_store.set_metric_value("dsar", "3", unit="days", target="<=5")
    text = render_document(seed_store.export_document())
    assert "- Pipeline success rate & mean duration per stage. — **97.5 %** (target 99 %)" in text
    assert "- Moderation queue SLA once timeline hub enters QA.\n" in text
    again = parse_document(text).metrics
    assert [(m.text, m.value, m.unit, m.target) for m in again] == [
        (m.text, m.value, m.unit, m.target) for m in seed_store.metrics()
    ]
    assert render_document(parse_document(text)) == text


@pytest.mark.parametrize(
    "metric",
    [
        Metric(None, "Rate", value="97.5", unit="%", target="99"),
        Metric(None, "Cycle time", value="4", unit="days", target="<=5"),
        Metric(None, "Count", value="-3"),
        Metric(None, "Throughput", value="120", unit="req/s (p95)", target="100"),
        Metric(None, "Load", value="5", unit="ms)", target="<=6"),
        Metric(None, "Plain bullet — with a dash"),
    ],
)
def test_the_bullet_form_reads_back_to_the_same_values(metric: Metric) -> None:
    assert read_metric(metric_text(metric)) == metric


def test_the_metric_command(capsys, seed_store: Store) -> None:
    db = str(seed_store.target.path)
    code, out, err = run(
        capsys,
        "metric",
        "Pipeline success rate",
        "97.5",
        "--unit",
        "%",
        "--target",
        "99",
        "--db",
        db,
    )
    assert code == 0 and "97.5 %" in out and "below target" in out
    code, out, err = run(capsys, "metric", "pipe", "--format", "json", "--db", db)
    data = json.loads(out)
    assert data["value"] == "97.5" and data["meets_target"] is False
    assert [p["value"] for p in data["points"]] == [97.5]
    code, out, err = run(capsys, "metric", "pipe", "fast", "--db", db)
    assert code == 1 and err.strip() == "tracker-tui: value must be a number, not 'fast'"
    code, out, err = run(capsys, "metric", "pipe", "--target", "99 ms", "--db", db)
    assert code == 1 and "differs from the metric's unit '%'" in err
    code, out, err = run(capsys, "metric", "pipe", "1e309", "--db", db)
    assert code == 1 and err.strip() == "tracker-tui: value must be a number, not '1e309'"
    code, out, err = run(capsys, "metric", "p", "1", "--db", db)
    assert code == 1 and "matches 2 metrics" in err and len(err.splitlines()) == 1
    assert seed_store.metric("pipe").value == "97.5"  # nothing changed by the refusals


@pytest.mark.parametrize("version", [3, 4])
def test_an_older_store_upgrades_through_4_to_the_metric_values(
    seed_store: Store, version: int
) -> None:
    """A schema 3 store (before the stand-up's table and the history's time index) and a
    schema 4 one (with them) both reach the current schema: the metrics get a value, a
    unit and a target, empty until given, and whatever step 4 adds is there too."""
    import sqlite3

    from tracker_tui.store import rows

    path = seed_store.target.path
    seed_store.close()
    with sqlite3.connect(path) as old:
        for column in ("value", "unit", "target"):
            old.execute(f"ALTER TABLE metric DROP COLUMN {column}")
        old.execute("DROP INDEX ix_change_tracker_at")  # schema 7's
        old.execute("ALTER TABLE metric DROP COLUMN extra")
        old.execute('ALTER TABLE checkpoint DROP COLUMN "date"')
        if version == 3:
            old.execute("DROP TABLE standup")
            old.execute("DROP INDEX ix_change_at")
        old.execute(f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version'")
    with Store.open(path) as store:
        assert store.check()["schema_version"] == rows.SCHEMA_VERSION == 7
        metric = store.metric("pipeline")
        assert metric.text.startswith("Pipeline") and (metric.value, metric.target) == ("", "")
        store.set_metric_value("pipeline", "97")
        assert store.metric("pipeline").value == "97"
    assert path.with_name(f"{path.name}.bak-{version}").exists()
    with sqlite3.connect(path) as upgraded:
        names = {row[0] for row in upgraded.execute("SELECT name FROM sqlite_master")}
    assert {"standup", "ix_change_at", "ix_change_tracker_at"} <= names
