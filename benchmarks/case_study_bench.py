"""How long the case-study preview takes to make, against a raw baseline measured in the same run.

The window re-renders the preview a moment after each change, off the GUI thread. This measures that
work (case_study_export + render_html on the real journal file) for case studies of 10, 30 and 100
stories, each story the size of a sample story with two coverage links, in a journal of JOURNAL_SIZE
stories. The baseline is the least any preview could do: read the same stories' text with raw sqlite3,
join it, and run Python-Markdown on it (no privacy rules, no sanitising). Also: adding a story to a
case study and moving one (a write transaction each, as a drag or Alt+Up does).

    .venv/bin/python benchmarks/case_study_bench.py [--runs 7]

Prints a table and, as its last line, one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import markdown

from journal.export.html import render_html
from journal.export.markdown import case_study_export
from journal.store import case_studies, stories
from journal.store.database import open_journal
from journal.store.models import CoverageLinkBase
from journal.store.sample import read_sample

JOURNAL_SIZE = 2000
SIZES = (10, 30, 100)


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def fill(path: Path) -> list[str]:
    journal = open_journal(path)
    sample = read_sample()
    ids = []
    with journal.write() as session:
        for number in range(JOURNAL_SIZE):
            story = sample[number % len(sample)].model_copy(deep=True)
            story.title = f"{story.title} ({number})"
            story.status, story.consent = "approved", "anonymous" if number % 2 else "named"
            story.links = [
                CoverageLinkBase(url=f"https://blog.example/{number}/{n}", title=f"Post {n}") for n in range(2)
            ]
            ids.append(stories.create_story(story, session=session).id)
    journal.close()
    return ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.journal"
        ids = fill(path)
        journal = open_journal(path)
        raw = sqlite3.connect(path)
        for size in SIZES:
            chosen = ids[:size]
            with journal.write() as session:
                case_id = case_studies.create_case_study(f"Case {size}", session=session, story_ids=chosen).id
                case_studies.update_case_study(
                    case_id, {"introduction": "Why these stories matter. " * 20}, session=session
                )

            def preview(case_id: str = case_id) -> str:
                with journal.session() as session:
                    return render_html(case_study_export(case_id, session=session).markdown)

            def baseline(chosen: list[str] = chosen) -> str:
                marks = ",".join("?" * len(chosen))
                rows = raw.execute(
                    f"SELECT title, situation, policy, action, outcome FROM story WHERE id IN ({marks})", chosen
                ).fetchall()
                links = raw.execute(
                    f"SELECT url, title FROM coverage_link WHERE story_id IN ({marks})", chosen
                ).fetchall()
                text = "\n\n".join("\n\n".join(row) for row in rows) + "\n".join(f"- [{t}]({u})" for u, t in links)
                return markdown.markdown(text)

            figures[f"preview_{size}_ms"] = median_ms(preview, runs)
            figures[f"baseline_{size}_ms"] = median_ms(baseline, runs)
            figures[f"ratio_{size}"] = round(figures[f"preview_{size}_ms"] / figures[f"baseline_{size}_ms"], 1)

        with journal.write() as session:
            case_id = case_studies.create_case_study("Writes", session=session, story_ids=ids[:30]).id
        counter = iter(range(10_000))

        def add_one() -> None:
            with journal.write() as session:
                case_studies.add_stories(case_id, [ids[100 + next(counter)]], session=session)

        def move_one() -> None:
            with journal.write() as session:
                order = [entry.story_id for entry in case_studies.entries(case_id, session=session)]
                case_studies.reorder(case_id, [order[-1], *order[:-1]], session=session)

        figures["add_story_ms"] = median_ms(add_one, runs)
        figures["move_story_ms"] = median_ms(move_one, runs)
        raw.close()
        journal.close()

    print(f"Journal of {JOURNAL_SIZE} stories; median of {runs} runs")
    print(f"{'stories in case study':>22} {'preview ms':>11} {'raw baseline ms':>16} {'ratio':>6}")
    for size in SIZES:
        print(
            f"{size:>22} {figures[f'preview_{size}_ms']:>11} {figures[f'baseline_{size}_ms']:>16}"
            f" {figures[f'ratio_{size}']:>6}"
        )
    print(f"add a story: {figures['add_story_ms']} ms; move a story: {figures['move_story_ms']} ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
