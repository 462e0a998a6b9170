"""The command line is parsed with the named command's parser alone when it parses
(``cli._parse``): the same arguments, and any usage error exactly as the whole parser
words it."""

from __future__ import annotations

import pytest

from tracker_tui import cli


@pytest.mark.parametrize(
    "argv",
    [
        ["standup", "--db", "x.db", "--since", "yesterday"],
        ["--db", "standup", "report", "--format", "json"],  # a store named like a command
        ["set", "UT-003", "--progress", "-10", "--as", "ann"],
        ["--db", "x.db", "--read-only", "--ascii"],  # no command: the dashboard
        ["--owner", "Ann", "--db", "x.db"],
        ["export", "--format", "csv", "--table", "tasks", "-o", "out.csv"],
    ],
)
def test_one_commands_parser_reads_what_the_whole_one_reads(argv: list[str]) -> None:
    args, _ = cli._parse(argv)
    whole = cli.build_parser().parse_args(cli._glue_dash_values(argv))
    assert vars(args) == vars(whole)


@pytest.mark.parametrize(
    "argv",
    [["stanup"], ["standup", "--bogus"], ["set"], ["report", "--format", "xml"], ["--db"]],
)
def test_a_usage_error_reads_as_the_whole_parser_words_it(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ours:
        cli._parse(argv)
    our_error = capsys.readouterr().err
    with pytest.raises(SystemExit) as whole:
        cli.build_parser().parse_args(argv)
    assert ours.value.code == whole.value.code == 2
    assert our_error == capsys.readouterr().err


def test_a_commands_own_usage_check_still_exits_2(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    # export checks --table against --format itself, through its parser's error().
    code = cli.main(["export", "--db", str(tmp_path / "t.db"), "--format", "csv"])
    assert code == 2
    assert "usage: tracker-tui export" in capsys.readouterr().err
