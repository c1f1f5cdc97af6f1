"""Reading and matching the radar's sources in a process of its own: how the window runs `fetch`.

Parsing feeds and matching entries is Python work that holds the interpreter lock. Run on a thread of the
window's process, it makes the window's thread wait whenever the operating system pauses the worker while it
holds the lock, and on a busy machine that is tens to hundreds of milliseconds at a time
(benchmarks/radar_window_bench.py). In a child process it shares nothing with the window but the journal file:
the child opens the journal itself (SQLite in WAL mode, so the window reads and writes meanwhile), writes each
source's result and each batch of suggestions in its own short transaction, as `fetch` always does, says how
far it is through a queue, and stops between requests when asked to.

The child is started with "spawn" (a fresh interpreter, never a fork of a process running Qt threads). The
packaged app calls `multiprocessing.freeze_support()` first thing (packaging/launcher.py), so that the child
it starts runs this and not the window.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.radar.errors import RadarError

if TYPE_CHECKING:
    from journal.coverage.fetch import FetchSettings
    from journal.radar.progress import FetchReport, Progress

POLL_S = 0.1  # how often the parent looks at `cancel` while it waits for news
END_WAIT_S = 2.0  # for the child to end by itself once it has said its last word


def fetch_in_child(
    path: Path,
    settings: FetchSettings | None,
    *,
    progress: Callable[[Progress], None],
    cancel: threading.Event,
    force: bool = False,
    source_ids: list[str] | None = None,
) -> FetchReport:
    """`journal.radar.fetching.fetch_sources` on the journal at `path`, in a child process. Blocks until it
    is done (run it on a pool thread); `progress` is called here, on the calling thread. RadarError when the
    child could not do it (its sentence says why)."""
    context = multiprocessing.get_context("spawn")
    messages: Any = context.Queue()
    stop = context.Event()
    child = context.Process(
        target=_run,
        args=(str(path), settings, force, source_ids, messages, stop),
        name="story-journal-radar",
        daemon=True,
    )
    child.start()
    try:
        while True:
            if cancel.is_set():
                stop.set()
            try:
                kind, value = messages.get(timeout=POLL_S)
            except queue.Empty:
                if child.is_alive():
                    continue
                try:  # it ended: what it said last may still be on its way
                    kind, value = messages.get(timeout=1.0)
                except queue.Empty:
                    raise RadarError(
                        f"The radar's reader stopped unexpectedly (exit code {child.exitcode}); "
                        "the sources are read again later."
                    ) from None
            if kind == "progress":
                progress(value)
            elif kind == "done":
                return value
            else:
                raise RadarError(str(value))
    finally:
        stop.set()
        # Its last word comes after everything is written and the journal closed; what may keep it alive is a
        # request to a slow site that was abandoned (cancelled): nothing is lost by ending it.
        child.join(END_WAIT_S if not cancel.is_set() else 0.5)
        if child.is_alive():
            child.kill()
            child.join()
        messages.close()
        messages.cancel_join_thread()


def _run(
    path: str, settings: FetchSettings | None, force: bool, source_ids: list[str] | None, messages: Any, stop: Any
) -> None:
    """In the child: open the journal, read and match, say how it went."""
    from journal.radar.fetching import fetch_sources
    from journal.store.database import open_journal

    try:
        journal = open_journal(Path(path), create=False)
    except Exception as error:  # the journal moved, or cannot be written: said in the window's status bar
        messages.put(("error", str(error)))
        return
    said: tuple[str, object]
    try:
        said = (
            "done",
            fetch_sources(
                journal,
                settings,
                source_ids=source_ids,
                force=force,
                progress=lambda step: messages.put(("progress", step)),
                cancel=stop,
            ),
        )
    except Exception as error:  # the journal's trouble (locked, full disk): a sentence, not a traceback
        reason = getattr(error, "orig", None) or error
        said = ("error", f"The radar could not save what it read ({reason}); it tries again later.")
    finally:
        journal.close()
    messages.put(said)
