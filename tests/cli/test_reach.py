"""`journal reach add|list` and `journal impact` end to end, on a real journal file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.helpers import run, succeeded, user_env


def test_record_readings_and_read_the_impact(tmp_path: Path) -> None:
    env, path = user_env(tmp_path / "home"), tmp_path / "cli.journal"
    journal = ["--journal", str(path)]
    story = succeeded(
        run(
            [
                *journal,
                "add",
                "--title",
                "Flowers",
                "--occurred",
                "2007-07-14",
                "--cost",
                "75",
                "--currency",
                "USD",
                "--link",
                "https://example.com/flowers",
                "--tag",
                "bereavement",
            ],
            env=env,
            cwd=tmp_path,
        )
    ).strip()
    succeeded(
        run(
            [
                *journal,
                "reach",
                "add",
                story[:8],
                "--metric",
                "comments",
                "--value",
                "143",
                "--link",
                "https://example.com/flowers",
                "--date",
                "2026-01-02",
            ],
            env=env,
            cwd=tmp_path,
        )
    )
    succeeded(
        run(
            [*journal, "reach", "add", story, "--metric", "search_rank", "--value", "4", "--query", "Zappos service"],
            env=env,
            cwd=tmp_path,
        )
    )
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT metric, value, query, date(taken_at) FROM reading ORDER BY value").fetchall()[1] == (
            "comments",
            143,
            "",
            "2026-01-02",
        )

    listed = json.loads(succeeded(run([*journal, "reach", "list", story, "--json"], env=env, cwd=tmp_path)))
    assert sorted((r["metric"], r["value"]) for r in listed) == [("comments", 143), ("search_rank", 4)]
    sentence = succeeded(run([*journal, "impact", story], env=env, cwd=tmp_path)).strip()
    assert sentence == "Cost $75.00 · earned 1 piece of coverage, 143 comments, best rank 4 for “Zappos service”"
    figures = json.loads(succeeded(run([*journal, "impact", "--json"], env=env, cwd=tmp_path)))
    assert figures["stories"] == 1 and figures["top_tags"] == [["bereavement", 1]]
    assert figures["most_covered"][0]["comments"] == 143 and figures["costed"] == {"USD": 1}
    searched = json.loads(succeeded(run([*journal, "impact", "--json", "--search", "zeppelin"], env=env, cwd=tmp_path)))
    assert searched["stories"] == 0


def test_bad_readings_are_refused_with_one_line(tmp_path: Path) -> None:
    env, path = user_env(tmp_path / "home"), tmp_path / "cli.journal"
    journal = ["--journal", str(path)]
    story = succeeded(run([*journal, "add", "--title", "Flowers"], env=env, cwd=tmp_path)).strip()
    for extra, message in (
        (["--metric", "search_rank", "--value", "2"], "needs the search"),
        (["--metric", "comments", "--value", "many"], "not a whole number"),
        (["--metric", "comments", "--value", "3", "--date", "2999-01-01"], "future"),
        (["--metric", "comments", "--value", "3", "--link", "https://example.com/x"], "not one of this story's links"),
    ):
        result = run([*journal, "reach", "add", story, *extra], env=env, cwd=tmp_path)
        assert result.returncode in (1, 2) and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    missing = run([*journal, "reach", "list", "ffffffff"], env=env, cwd=tmp_path)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*) FROM reading").fetchone() == (0,)
