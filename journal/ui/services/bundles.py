"""The window's way to bundles and spreadsheets: planning an import, importing (all or nothing, on a pool
thread, with progress), and writing a bundle of the chosen stories.

When an import is done, StoryService announces it (stories and tags changed) before the caller hears of it.
The bundle and spreadsheet readers are imported when first used, not when the window starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from journal.ui.services.background import Done
from journal.ui.services.progress_work import Progress, run_with_progress
from journal.ui.services.stories import StoryService

if TYPE_CHECKING:
    from journal.bundles.csv_import import Row
    from journal.bundles.export import ExportResult
    from journal.bundles.merge import Plan
    from journal.bundles.read import Bundle
    from journal.store.listing import StoryQuery

Step = Callable[[int, int], None]  # done, total
Choice = tuple[str, str, "StoryQuery"]  # all | search | tag, the tag, the list's query


class BundleService:
    def __init__(self, stories: StoryService) -> None:
        self.stories = stories
        self._journal = stories.journal

    # ------------------------------------------------------------ importing
    def plan(self, bundle: Bundle) -> Plan:
        """What importing `bundle` would do; writes nothing. Any thread."""
        from journal.bundles.merge import plan_import

        return plan_import(self._journal, bundle)

    def start_import(self, owner: QObject, bundle: Bundle, on_step: Step, done: Done) -> Progress:
        """Import `bundle` on a pool thread, in one transaction; then `done(plan, error)` on the GUI thread."""
        from journal.bundles.merge import apply_import

        journal = self._journal
        return run_with_progress(owner, lambda step: apply_import(journal, bundle, step), on_step, self._then(done))

    def start_csv_import(self, owner: QObject, rows: Sequence[Row], on_step: Step, done: Done) -> Progress:
        """Add these spreadsheet rows as stories on a pool thread, all or none; then `done(count, error)`."""
        from journal.bundles.csv_import import import_rows

        journal = self._journal
        return run_with_progress(owner, lambda step: import_rows(journal, rows, step), on_step, self._then(done))

    def _then(self, done: Done) -> Done:
        def finished(result: Any, error: BaseException | None) -> None:
            if error is None:
                self.stories.stories_written()
            done(result, error)

        return finished

    # ------------------------------------------------------------ exporting
    def export(self, target: Path, choice: Choice) -> ExportResult:
        """Write the chosen stories to a bundle at `target`. On a pool thread (it reads the whole selection)."""
        from journal.bundles.export import export_bundle

        return export_bundle(self._journal, target, self._chosen_ids(choice))

    def _chosen_ids(self, choice: Choice) -> list[str]:
        from journal.bundles.export import chosen_ids
        from journal.store.listing import list_rows

        mode, tag, query = choice
        if mode == "search":
            with self._journal.session() as session:
                return [row.id for row in list_rows(session=session, query=query, limit=-1, with_snippets=0)]
        if mode == "tag":
            return chosen_ids(self._journal, tags=[tag])
        return chosen_ids(self._journal)
