"""Export bundle… and Import bundle… dialogs. Reading, planning, writing and importing run on pool threads;
the import dialog shows the plan first, then imports with a progress bar, everything or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
)

from journal.ui.services.background import run_in_background
from journal.ui.shell.seam import Shell

if TYPE_CHECKING:
    from journal.bundles.merge import Plan
    from journal.bundles.read import Bundle
    from journal.ui.services.bundles import Choice

BUNDLE_FILTER = "Story Journal bundles (*.sjbundle);;All files (*)"


def plain_error(error: BaseException) -> str:
    """What to say about a failure: our own errors are sentences already; anything else is wrapped."""
    from journal.bundles.format import BundleError
    from journal.store.errors import JournalError

    if isinstance(error, BundleError | JournalError):
        return str(error)
    return f"Something went wrong ({error}). Nothing was changed; try again."


class ImportBundleDialog(QDialog):
    finished_import = Signal(object)  # the Plan that was applied

    def __init__(self, shell: Shell, path: Path) -> None:
        super().__init__(shell.widget)
        self.setWindowTitle(f"Import {path.name}")
        self.shell = shell
        self.path = path
        self.bundle: Bundle | None = None
        self.plan: Plan | None = None
        self.summary = QLabel(f"Reading {path.name}…")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Import plan")
        self.changes = QListWidget()
        self.changes.setAccessibleName("Stories to import")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.changes, self.progress, self.buttons):
            layout.addWidget(widget)
        self.resize(520, 420)
        run_in_background(self, self._read_and_plan, self._planned)

    def _read_and_plan(self) -> tuple[Bundle, Plan]:
        from journal.bundles.read import read_bundle

        bundle = read_bundle(self.path)
        return bundle, self.shell.services.bundles.plan(bundle)

    def _planned(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self.summary.setText(plain_error(error))
            QMessageBox.warning(self, "Cannot import this bundle", plain_error(error))
            return
        self.bundle, self.plan = result
        assert self.plan is not None
        counts = self.plan.counts()
        self.summary.setText(
            f"{self.plan.summary()}."
            + ("\nA conflict keeps both versions; you choose later, story by story." if counts["conflicts"] else "")
        )
        for step in self.plan.changes:
            if step.title:
                self.changes.addItem(f"{step.action}: {step.title}")
        self.import_button.setEnabled(bool(self.plan.changes))

    def start_import(self) -> None:
        assert self.bundle is not None
        self.shell.save_story()
        self.import_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self._worker = self.shell.services.bundles.start_import(self, self.bundle, self._step, self._imported)

    def _step(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _imported(self, plan: Any, error: BaseException | None) -> None:
        self.progress.setVisible(False)
        if error is not None:
            self.summary.setText(plain_error(error))
            QMessageBox.warning(self, "The bundle was not imported", f"{plain_error(error)}\nNothing was changed.")
            return
        hint = " Edit ▸ Next conflict to resolve shows them." if plan.counts()["conflicts"] else ""
        self.shell.say(f"Imported {self.path.name}: {plan.summary()}.{hint}", 15000)
        self.finished_import.emit(plan)
        self.accept()


class ExportBundleDialog(QDialog):
    """Which stories go into the bundle: all, the ones the list shows now, or those with a tag."""

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.widget)
        self.setWindowTitle("Export bundle")
        self.shell = shell
        self.all = QRadioButton("&All stories")
        self.search = QRadioButton("The stories the list &shows now")
        self.tagged = QRadioButton("Stories with the &tag:")
        self.all.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.all, self.search, self.tagged):
            group.addButton(button)
        self.tag = QComboBox()
        self.tag.setAccessibleName("Tag")
        self.tag.addItems(shell.services.stories.tag_names())
        self.tag.setEnabled(False)
        self.tagged.toggled.connect(self.tag.setEnabled)
        self.tagged.setEnabled(self.tag.count() > 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        warning = QLabel(
            "A bundle carries every field, the private ones (customer, contact, internal notes) included, "
            "so that the journal it goes to loses nothing. Hand it only to your own team."
        )
        warning.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (
            QLabel("Put these stories in the bundle:"),
            self.all,
            self.search,
            self.tagged,
            self.tag,
            warning,
            buttons,
        ):
            layout.addWidget(widget)

    def choice(self) -> Choice:
        """Read on the GUI thread: (all | search | tag, the tag, the list's query)."""
        mode = "search" if self.search.isChecked() else "tag" if self.tagged.isChecked() else "all"
        return mode, self.tag.currentText(), self.shell.story_list.query


def export_bundle_to(shell: Shell, dialog: ExportBundleDialog, target: Path, done: Any = None) -> None:
    """Write the bundle off the GUI thread; say in the status bar (or a dialog for errors) how it went."""
    shell.save_story()
    bundles = shell.services.bundles
    choice = dialog.choice()
    search = choice[0] == "search"

    def work() -> Any:
        return bundles.export(target, choice)

    def finished(result: Any, error: BaseException | None) -> None:
        if error is not None:
            QMessageBox.warning(shell.widget, "The bundle was not written", plain_error(error))
        else:
            scope = " (the stories the list shows)" if search else ""
            shell.say(f"Wrote {result.stories} stories{scope} to {target.name}.", 10000)
        if done is not None:
            done(result, error)

    run_in_background(shell.widget, work, finished)


def ask_export(shell: Shell) -> None:
    dialog = ExportBundleDialog(shell)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    name, _filter = QFileDialog.getSaveFileName(
        shell.widget, "Export bundle", str(Path.home() / "stories.sjbundle"), BUNDLE_FILTER
    )
    if name:
        path = Path(name)
        export_bundle_to(shell, dialog, path if path.suffix else path.with_suffix(".sjbundle"))


def ask_import(shell: Shell) -> ImportBundleDialog | None:
    name, _filter = QFileDialog.getOpenFileName(shell.widget, "Import bundle", str(Path.home()), BUNDLE_FILTER)
    if not name:
        return None
    dialog = ImportBundleDialog(shell, Path(name))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog
