"""Bundles in the main window: File ▸ Export bundle…, Import bundle…, Import spreadsheet…; Edit ▸ Next
conflict to resolve; and the conflict banner over the editor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog

from journal.ui.bundles.conflict_dialog import ConflictBanner
from journal.ui.bundles.dialogs import ask_export, ask_import
from journal.ui.shell.actions import Act
from journal.ui.shell.seam import Shell

if TYPE_CHECKING:  # the spreadsheet import is read when first asked for
    from journal.ui.bundles.csv_dialog import CsvImportDialog
from journal.words import counted


def ask_csv(shell: Shell) -> CsvImportDialog | None:
    from journal.ui.bundles.csv_dialog import CsvImportDialog

    name, _filter = QFileDialog.getOpenFileName(
        shell.widget, "Import spreadsheet", str(Path.home()), "Spreadsheets saved as CSV (*.csv *.txt);;All files (*)"
    )
    if not name:
        return None
    dialog = CsvImportDialog(shell, Path(name))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog


def next_conflict(shell: Shell) -> None:
    """Show the next story (after the one being edited) that has a conflict to resolve."""
    ids = shell.services.conflicts.conflicted()
    if not ids:
        shell.say("No story has a conflict to resolve.", 8000)
        return
    current = shell.current_story()
    following = [story_id for story_id in ids if current is None or story_id > current] or ids
    for story_id in [*following, *ids]:
        if shell.show_story(story_id):
            shell.say(f"{counted(len(ids), 'story has', 'stories have')} a conflict.", 8000)
            return
    shell.say(
        "The stories with a conflict are hidden by the current search or filters; show all stories to see them.", 10000
    )


class BundlesFeature(QObject):
    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.widget)
        self.shell = shell
        self.export_action = shell.action(Act.EXPORT_BUNDLE)
        self.import_action = shell.action(Act.IMPORT_BUNDLE)
        self.import_csv_action = shell.action(Act.IMPORT_SPREADSHEET)
        self.next_conflict_action = shell.action(Act.NEXT_CONFLICT)
        self.export_action.triggered.connect(lambda: ask_export(shell))
        self.import_action.triggered.connect(lambda: ask_import(shell))
        self.import_csv_action.triggered.connect(lambda: ask_csv(shell))
        self.next_conflict_action.triggered.connect(lambda: next_conflict(shell))

        self.banner = ConflictBanner(shell)
        shell.add_editor_banner(self.banner)
        shell.when_story_shown(self.banner.show_story)
        shell.services.stories.story_updated.connect(
            lambda story_id: self.banner.refresh(story_id) if story_id == shell.current_story() else None
        )
        self.banner.show_story(shell.current_story())
