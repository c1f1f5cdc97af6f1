"""The GUI-thread garbage collector collects what pool threads leave, a little at a time while they allocate
fast, and goes back to a slow pace when they stop."""

from __future__ import annotations

import gc
import threading

from pytestqt.qtbot import QtBot

from journal.ui.shell.collector import BUSY_INTERVAL_MS, INTERVAL_MS, MainThreadCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_cycles_made_on_a_pool_thread_are_collected_on_the_gui_thread_soon_and_in_small_steps(qtbot: QtBot) -> None:
    collector = MainThreadCollector()
    collected: list[str] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            collected.append(threading.current_thread().name)

    collector.start()
    gc.callbacks.append(note)
    try:
        assert not gc.isenabled() and collector._timer.interval() == INTERVAL_MS
        done = threading.Event()

        def allocate() -> None:
            for _ in range(50_000):
                Node()
            done.set()

        threading.Thread(target=allocate, name="pool").start()
        assert done.wait(30)
        qtbot.waitUntil(lambda: collector._timer.interval() == BUSY_INTERVAL_MS, timeout=5000)
        qtbot.waitUntil(lambda: collector._timer.interval() == INTERVAL_MS, timeout=10_000)  # all collected
        assert collected and set(collected) == {threading.main_thread().name}
        assert gc.get_count()[0] <= gc.get_threshold()[0]
    finally:
        gc.callbacks.remove(note)
        collector.stop()
    assert gc.isenabled()
