"""The real window on a big journal, offscreen: start-up queries, opening and saving stories, scrolling the list,
and the event-loop lag while typing a search; the last three once the day's first backup is made (--during-backup:
at once, while it is being made).

Builds `journal.app.JournalApp` with its settings in a temporary folder and opens the journal in it, as the
`journal` program does. Instrumentation stays in this process: a class-level SQLAlchemy listener records every
statement and its time; StoryListModel.data and StoryService.rows are wrapped to count calls and rows.

    .venv/bin/python benchmarks/window_bench.py --journal PATH   # a copy: this saves edits into it
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported

import argparse
import itertools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from journal.app import JournalApp
from journal.store.listing import StoryQuery
from journal.ui.services.stories import StoryService
from journal.ui.stories.list_model import StoryListModel

WINDOW_SIZE = (1152, 720)  # what the window takes on a 1280x800 screen
OPEN_SAMPLES = 200
SAVE_SAMPLES = 100  # the first 100 stories opened are also edited and saved
MIN_SAMPLES = 40
EDITOR_BUDGET_S = 30.0  # stop opening stories after this long (once MIN_SAMPLES are in)
SCROLL_BUDGET_S = 30.0
TICK_MS = 5
KEY_INTERVAL_MS = 80
SETTLE_MS = 1500
SLOW_STATEMENT_MS = 100.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# ---------------------------------------------------------------- instrumentation (this process only)


@dataclass
class Statement:
    sql: str
    parameters: Any
    seconds: float


@dataclass
class Recorder:
    statements: list[Statement] = field(default_factory=list)
    recording: bool = False
    data_calls: int = 0
    rows_calls: int = 0
    rows_fetched: int = 0


RECORDER = Recorder()


@sa.event.listens_for(sa.Engine, "before_cursor_execute")
def _before(_conn: Any, _cursor: Any, _statement: str, _parameters: Any, context: Any, _many: bool) -> None:
    if context is not None:
        context._bench_started = time.perf_counter()


@sa.event.listens_for(sa.Engine, "after_cursor_execute")
def _after(_conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, _many: bool) -> None:
    if RECORDER.recording and context is not None:
        started = getattr(context, "_bench_started", time.perf_counter())
        RECORDER.statements.append(Statement(statement, parameters, time.perf_counter() - started))


_model_data = StoryListModel.data
_service_rows = StoryService.rows


def _counting_data(self: StoryListModel, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    RECORDER.data_calls += 1
    return _model_data(self, index, role)


def _counting_rows(self: StoryService, *args: Any, **kwargs: Any) -> Any:
    found = _service_rows(self, *args, **kwargs)
    RECORDER.rows_calls += 1
    RECORDER.rows_fetched += len(found)
    return found


StoryListModel.data = _counting_data  # type: ignore[method-assign]
StoryService.rows = _counting_rows  # type: ignore[method-assign]


# ---------------------------------------------------------------- helpers


def wait(milliseconds: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def full_table_plan(db: sqlite3.Connection, statement: Statement) -> list[str] | None:
    """The query plan, if it reads or sorts the whole story table (not a search, not a bounded index walk)."""
    if not statement.sql.lstrip().upper().startswith("SELECT"):
        return None
    try:
        plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + statement.sql, statement.parameters or ())]
    except sqlite3.Error:
        return None
    if "MATCH" in statement.sql.upper():
        return None
    reads_story = any(line.startswith(("SCAN story", "SEARCH story ")) for line in plan)
    full_scan = any(line == "SCAN story" or line.startswith("SCAN story USING") for line in plan)
    full_sort = any(
        line.startswith(
            ("USE TEMP B-TREE FOR ORDER BY", "USE TEMP B-TREE FOR DISTINCT", "USE TEMP B-TREE FOR GROUP BY")
        )
        for line in plan
    )
    return plan if reads_story and (full_scan or full_sort) else None


def search_field(window: Any) -> QLineEdit | None:
    """The window's search field, wherever the window keeps it."""
    for owner in (window, getattr(window, "list_panel", None)):
        found = getattr(owner, "search_field", None)
        if isinstance(found, QLineEdit):
            return found
    return None


# ---------------------------------------------------------------- the parts


def startup(qapp: QApplication, journal: Path, settings: QSettings) -> tuple[JournalApp, dict[str, Any]]:
    RECORDER.statements.clear()
    RECORDER.rows_fetched = 0
    RECORDER.recording = True
    started = time.perf_counter()
    app = JournalApp(settings)
    if not app.open(journal) or app.window is None:
        raise RuntimeError(f"the app could not open {journal}")
    opened = time.perf_counter()
    window = app.window
    window.resize(*WINDOW_SIZE)
    qapp.processEvents()
    window.list_view.viewport().repaint()
    painted = time.perf_counter()
    RECORDER.recording = False
    statements = list(RECORDER.statements)
    with closing(sqlite3.connect(f"{journal.as_uri()}?mode=ro", uri=True)) as db:
        flagged = []
        for statement in statements:
            plan = full_table_plan(db, statement)
            if plan is not None or statement.seconds * 1000 >= SLOW_STATEMENT_MS:
                flagged.append(
                    {
                        "ms": ms(statement.seconds),
                        "sql": " ".join(statement.sql.split())[:160],
                        "plan": plan or [],
                    }
                )
    return app, {
        "open_ms": ms(opened - started),
        "first_paint_ms": ms(painted - started),
        "statements": len(statements),
        "sql_ms": ms(sum(statement.seconds for statement in statements)),
        "rows_fetched": RECORDER.rows_fetched,
        "full_table_statements": flagged,
    }


def open_and_save(app: JournalApp, journal: Path, rng: random.Random) -> dict[str, Any]:
    window = app.window
    assert window is not None
    with closing(sqlite3.connect(f"{journal.as_uri()}?mode=ro", uri=True)) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM story WHERE deleted_at IS NULL ORDER BY id")]
    qapp = QApplication.instance()
    assert qapp is not None
    editor = window.editor
    service = window.services.stories

    load_s: list[float] = []
    load_paint_s: list[float] = []
    save_s: list[float] = []
    started_all = time.perf_counter()
    for number, story_id in enumerate(rng.sample(ids, OPEN_SAMPLES)):
        if number >= MIN_SAMPLES and time.perf_counter() - started_all > EDITOR_BUDGET_S:
            break
        started = time.perf_counter()
        editor.load(story_id)
        loaded = time.perf_counter()
        qapp.processEvents()
        load_s.append(loaded - started)
        load_paint_s.append(time.perf_counter() - started)
        if number >= SAVE_SAMPLES:
            continue
        if number % 2:  # a short field and a long one, both in the search index
            editor.title.setText(editor.title.text() + " (edited)")
        else:
            editor.situation.setPlainText(editor.situation.toPlainText() + " The customer wrote back to thank us.")
        if not editor.has_unsaved_changes():
            raise RuntimeError("the edit did not make the editor dirty")
        started = time.perf_counter()
        if not editor.flush():
            raise RuntimeError("the editor could not save")
        save_s.append(time.perf_counter() - started)
        qapp.processEvents()
    raw_save_s = raw_saves(journal, rng.sample(ids, min(len(ids), SAVE_SAMPLES)))
    parts: dict[str, list[float]] = {"story": [], "distinct_values": [], "tag_names": []}
    calls: dict[str, Callable[[str], object]] = {
        "story": service.story,
        "distinct_values": lambda _id: service.distinct_values("organization"),
        "tag_names": lambda _id: service.tag_names(),
    }
    for story_id in rng.sample(ids, 10):
        for name, call in calls.items():
            started = time.perf_counter()
            call(story_id)
            parts[name].append(time.perf_counter() - started)
    return {
        "open_samples": len(load_s),
        "open_p50_ms": ms(percentile(load_s, 0.5)),
        "open_p95_ms": ms(percentile(load_s, 0.95)),
        "open_with_paint_p95_ms": ms(percentile(load_paint_s, 0.95)),
        "open_parts_p50_ms": {name: ms(statistics.median(values)) for name, values in parts.items()},
        "save_samples": len(save_s),
        "save_p50_ms": ms(percentile(save_s, 0.5)),
        "save_p95_ms": ms(percentile(save_s, 0.95)),
        "raw_save_p50_ms": ms(percentile(raw_save_s, 0.5)),
        "raw_save_p95_ms": ms(percentile(raw_save_s, 0.95)),
    }


def raw_saves(journal: Path, story_ids: list[str]) -> list[float]:
    """The baseline: the same edit (a longer situation) with plain sqlite3, as the app's connection is set up
    (WAL, synchronous NORMAL, BEGIN IMMEDIATE), the journal's own triggers firing."""
    timings = []
    with closing(sqlite3.connect(journal, isolation_level=None, timeout=10)) as db:
        db.execute("PRAGMA synchronous = NORMAL")
        for story_id in story_ids:
            started = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "UPDATE story SET situation = situation || ' The customer wrote back to thank us.', "
                "updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = ?",
                (story_id,),
            )
            db.execute("COMMIT")
            timings.append(time.perf_counter() - started)
    return timings


def scroll(app: JournalApp) -> dict[str, Any]:
    """Page by page from the top to the bottom of the list, one synchronous repaint per page."""
    window = app.window
    assert window is not None
    qapp = QApplication.instance()
    assert qapp is not None
    view = window.list_view
    view.scrollToTop()
    qapp.processEvents()
    bar = view.verticalScrollBar()
    step = max(1, bar.pageStep())
    total_rows = window.model.rowCount()
    repaint_s: list[float] = []
    calls: list[int] = []
    started = time.perf_counter()
    value = 0
    while True:
        before = RECORDER.data_calls
        tick = time.perf_counter()
        bar.setValue(value)
        view.viewport().repaint()
        qapp.processEvents()
        repaint_s.append(time.perf_counter() - tick)
        calls.append(RECORDER.data_calls - before)
        if value >= bar.maximum() or time.perf_counter() - started > SCROLL_BUDGET_S:
            break
        value = min(bar.maximum(), value + step)
    elapsed = time.perf_counter() - started
    done = value >= bar.maximum()
    reached = bar.value() + step  # rows from the top that have been on screen
    return {
        "rows": total_rows,
        "repaints": len(repaint_s),
        "rows_per_page": step,
        "completed": done,
        "reached_row": min(total_rows, reached),
        "seconds": round(elapsed, 2),
        "projected_full_s": round(elapsed if done else elapsed * total_rows / max(1, reached), 1),
        "repaint_p50_ms": ms(percentile(repaint_s, 0.5)),
        "repaint_p95_ms": ms(percentile(repaint_s, 0.95)),
        "repaint_max_ms": ms(max(repaint_s)),
        "data_calls_per_repaint": round(statistics.median(calls), 1),
        "data_calls_per_repaint_max": max(calls),
        "data_calls_total": sum(calls),
    }


def typing_lag(app: JournalApp, words: list[str]) -> dict[str, Any]:
    """A 5 ms timer's worst gap while a person types each word (one key every 80 ms) into the search."""
    window = app.window
    assert window is not None
    field_ = search_field(window)
    model = window.model
    service = window.services.stories

    def search_for(text: str) -> None:  # what a keystroke triggers when the window has no search field
        query = StoryQuery(text=text)
        if hasattr(model, "set_query"):
            model.set_query(query)
        else:
            service.count(query)
            service.rows(0, 200, query)

    ticks: list[float] = []
    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(TICK_MS)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def clear() -> None:
        if field_ is not None:  # select all, then Backspace: works in any QLineEdit
            field_.setFocus()
            QTest.keyClick(field_, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClick(field_, Qt.Key.Key_Backspace)
        else:
            search_for("")

    def worst_gap(since: float, until: float) -> float:
        gaps = [b - a for a, b in itertools.pairwise(ticks) if since <= a < until]
        return max(gaps, default=0.0)

    per_word: list[dict[str, Any]] = []
    clear_gaps: list[float] = []
    ticker.start()
    wait(200)
    for word in words:
        cleared = time.perf_counter()
        clear()
        wait(SETTLE_MS)
        clear_gaps.append(worst_gap(cleared, time.perf_counter()))
        first_key = time.perf_counter()
        for typed in range(1, len(word) + 1):
            if field_ is not None:
                QTest.keyClick(field_, word[typed - 1])
            else:
                QTimer.singleShot(0, lambda prefix=word[:typed]: search_for(prefix))
            wait(KEY_INTERVAL_MS)
        wait(SETTLE_MS)
        shown = model.rowCount()
        per_word.append({"word": word, "max_gap_ms": ms(worst_gap(first_key, time.perf_counter())), "results": shown})
    ticker.stop()
    if field_ is None:
        typed_words = "simulated (no search field): set_query or count+rows per keystroke"
    else:
        typed_words = "typed into the window's search field"
    return {
        "how": typed_words,
        "max_gap_ms": max(word["max_gap_ms"] for word in per_word),
        "words": per_word,
        "clear_max_gap_ms": ms(max(clear_gaps)),
    }


DAILY_BACKUP_MESSAGE = "Today's backup is made"
BACKUP_TIMEOUT_S = 600


def after_daily_backup(app: JournalApp) -> float | None:
    """The first open of a day backs the journal up in the background (1.5 GB here: copied, checked, counted),
    competing with everything else for this machine's two cores and its disk. Wait until it is made, so that
    what follows measures the rest of the day; seconds waited (None: no backup seen in the time allowed)."""
    window = app.window
    assert window is not None
    bar = window.statusBar()
    made: list[str] = []
    bar.messageChanged.connect(lambda text: made.append(text) if text.startswith(DAILY_BACKUP_MESSAGE) else None)
    started = time.perf_counter()
    while not made and not bar.currentMessage().startswith(DAILY_BACKUP_MESSAGE):
        if time.perf_counter() - started > BACKUP_TIMEOUT_S:
            return None
        wait(100)
    return round(time.perf_counter() - started, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journal", type=Path, required=True, help="a copy of the big journal (edits are saved)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--words", default="", help="words to type, comma-separated")
    parser.add_argument(
        "--during-backup", action="store_true", help="measure at once, while the day's first backup is being made"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(qapp, QApplication)
    with tempfile.TemporaryDirectory(prefix="window-bench-") as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        app, start = startup(qapp, args.journal.absolute(), settings)
        figures: dict[str, Any] = {"startup": start}
        if not args.during_backup:
            figures["daily_backup_wait_s"] = after_daily_backup(app)
        figures["editor"] = open_and_save(app, args.journal, rng)
        figures["scroll"] = scroll(app)
        words = [word for word in args.words.split(",") if word] or ["customer", "wedding", "refund", "apology"]
        figures["typing"] = typing_lag(app, words)
        app.close()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
