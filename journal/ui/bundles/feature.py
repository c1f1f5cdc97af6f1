"""The main window's actions for bundles: export and import of bundles and spreadsheets, and the conflict
banner over the editor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from journal.ui.bundles.conflict_dialog import ConflictBanner
from journal.ui.bundles.csv_dialog import CsvImportDialog
from journal.ui.bundles.dialogs import ask_export, ask_import

if TYPE_CHECKING:
    from journal.ui.shell.main_window import MainWindow


def ask_csv(window: MainWindow) -> CsvImportDialog | None:
    name, _filter = QFileDialog.getOpenFileName(
        window, "Import spreadsheet", str(Path.home()), "Spreadsheets saved as CSV (*.csv *.txt);;All files (*)"
    )
    if not name:
        return None
    dialog = CsvImportDialog(window, Path(name))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog


def next_conflict(window: MainWindow) -> None:
    """Show the next story (after the one being edited) that has a conflict to resolve."""
    ids = window.services.conflicts.conflicted()
    if not ids:
        window.statusBar().showMessage("No story has a conflict to resolve.", 8000)
        return
    current = window.editor.story_id
    following = [story_id for story_id in ids if current is None or story_id > current] or ids
    for story_id in [*following, *ids]:
        if window.model.row_of(story_id) is not None:
            window.select_story(story_id)
            window.statusBar().showMessage(
                f"{len(ids)} {'story has' if len(ids) == 1 else 'stories have'} a conflict.", 8000
            )
            return
    window.statusBar().showMessage(
        "The stories with a conflict are hidden by the current search or filters; show all stories to see them.", 10000
    )


def install(window: MainWindow) -> None:
    """Add this feature's actions and menus to `window`."""
    window.export_bundle_action = QAction("&Export bundle…", window)  # type: ignore[attr-defined]
    window.import_bundle_action = QAction("&Import bundle…", window)  # type: ignore[attr-defined]
    window.import_csv_action = QAction("Import &spreadsheet…", window)  # type: ignore[attr-defined]
    window.export_bundle_action.triggered.connect(lambda: ask_export(window))  # type: ignore[attr-defined]
    window.import_bundle_action.triggered.connect(lambda: ask_import(window))  # type: ignore[attr-defined]
    window.import_csv_action.triggered.connect(lambda: ask_csv(window))  # type: ignore[attr-defined]
    for action in (window.export_bundle_action, window.import_bundle_action, window.import_csv_action):  # type: ignore[attr-defined]
        window.file_menu.insertAction(window.quit_separator, action)
    window.file_menu.insertSeparator(window.quit_separator)
    window.next_conflict_action = QAction("Next &conflict to resolve", window)  # type: ignore[attr-defined]
    window.next_conflict_action.triggered.connect(lambda: next_conflict(window))  # type: ignore[attr-defined]
    window.edit_menu.addSeparator()
    window.edit_menu.addAction(window.next_conflict_action)  # type: ignore[attr-defined]

    banner = ConflictBanner(window)
    window.conflict_banner = banner  # type: ignore[attr-defined]
    page = window.editor.widget()
    layout = page.layout() if page is not None else None
    if layout is not None:
        layout.insertWidget(0, banner)  # type: ignore[attr-defined]
    window.editor.loaded.connect(banner.show_story)
    window.services.stories.story_updated.connect(
        lambda story_id: banner.show_story(story_id) if story_id == window.editor.story_id else None
    )
