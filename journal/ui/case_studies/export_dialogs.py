"""Exporting from the window: a case study as Markdown or as an HTML page, to the clipboard, every case
study into a folder for a static site, one story as Markdown.

Each export first lists what looks confidential (e-mail addresses, phone numbers, order numbers, a
hidden customer's name) and asks whether to go on; afterwards the status bar says where the file is and
what was left out. A file that cannot be written is said in a message box; the old file is untouched
(journal.export.files writes atomically).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from journal import APP_NAME
from journal.export.privacy import Finding, LeftOut
from journal.store.errors import JournalError
from journal.ui.services.background import run_in_background
from journal.ui.services.case_studies import CaseStudyService
from journal.words import counted

if TYPE_CHECKING:  # the exporters (Markdown, YAML, HTML cleaning) are imported on the first export
    from journal.export.files import SitePlan, SiteReport
    from journal.export.markdown import Export

MAX_LISTED = 12  # findings or left-out stories named in a dialog or message; the rest are counted

Say = Callable[[str], None]  # puts a sentence in the status bar


def _listed(items: Sequence[str]) -> str:
    shown = "\n".join(f"• {item}" for item in items[:MAX_LISTED])
    more = len(items) - MAX_LISTED
    return shown + (f"\n… and {more} more" if more > 0 else "")


def confirm_findings(parent: QWidget, findings: Sequence[Finding]) -> bool:
    """Ask before exporting text that looks confidential. True when there is none, or the person says so."""
    if not findings:
        return True
    box = QMessageBox(parent)
    box.setObjectName("confidentialWarning")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(f"Check before publishing — {APP_NAME}")
    count = len(findings)
    box.setText(
        f"{counted(count, 'passage looks', 'passages look')} confidential. "
        "Edit the stories if these should not be published, or export anyway."
    )
    box.setInformativeText(_listed([finding.sentence() for finding in findings]))
    anyway = box.addButton("Export anyway", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is anyway


def left_out_sentence(left_out: Sequence[LeftOut]) -> str:
    if not left_out:
        return ""
    count = len(left_out)
    names = "; ".join(f"“{item.title}” ({item.reason})" for item in left_out[:MAX_LISTED])
    more = f" and {count - MAX_LISTED} more" if count > MAX_LISTED else ""
    return f" Left out {counted(count, 'story', 'stories')}: {names}{more}."


def notes_sentence(notes: Sequence[str]) -> str:
    """What else the export left out (an address naming a hidden customer, a coverage link), in short."""
    if not notes:
        return ""
    more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
    return f" {notes[0]}{more}"


def show_error(parent: QWidget, error: BaseException) -> None:
    reason = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    QMessageBox.warning(parent, f"Export failed — {APP_NAME}", str(reason))


class Exporter(QObject):
    """The export commands of one window. The documents are made and the files written on a pool
    thread; the questions (confidential text, where to save) are asked on the GUI thread in between.
    `ask_save_path` and `ask_folder` are the file dialogs."""

    def __init__(self, parent: QWidget, service: CaseStudyService, settings: QSettings, say: Say) -> None:
        super().__init__(parent)
        self._running = 0
        self._parent = parent
        self._service = service
        self._settings = settings
        self._say = say

    # ------------------------------------------------------------ dialogs
    def _last_folder(self) -> str:
        folder = self._settings.value("export/folder")
        return folder if isinstance(folder, str) and Path(folder).is_dir() else str(Path.home())

    def ask_save_path(self, caption: str, name: str, suffix: str, kind: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self._parent, caption, str(Path(self._last_folder()) / f"{name}{suffix}"), f"{kind} (*{suffix})"
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self._settings.setValue("export/folder", str(path.parent))
        return path

    def ask_folder(self, caption: str) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self._parent, caption, self._last_folder())
        if not chosen:
            return None
        self._settings.setValue("export/folder", chosen)
        return Path(chosen)

    # ------------------------------------------------------------ running off the GUI thread
    @property
    def busy(self) -> bool:
        """An export is being made (the window stays usable meanwhile)."""
        return self._running > 0

    def _run(self, work: Callable[[], Any], then: Callable[[Any], object]) -> None:
        """`work()` on a pool thread (reading the journal, making the documents, writing files); then
        `then(result)` on the GUI thread. A failure is said in a message box, never as a traceback."""
        self._running += 1
        self._say("Preparing the export…")

        def done(result: Any, error: BaseException | None) -> None:
            try:
                from journal.export.markdown import NothingToExportError

                if isinstance(error, NothingToExportError):
                    QMessageBox.information(self._parent, f"Export — {APP_NAME}", str(error))
                elif isinstance(error, JournalError | sa.exc.OperationalError):
                    show_error(self._parent, error)
                elif error is not None:
                    raise error
                else:
                    then(result)  # may ask questions and start the next step; busy until it has
                    return
                self._say("")
            finally:
                self._running -= 1

        run_in_background(self, work, done)

    # ------------------------------------------------------------ commands
    def markdown_file(self, case_study_id: str) -> None:
        self._run(lambda: self._service.export(case_study_id), lambda e: self._write(e, e.markdown, ".md", "Markdown"))

    def html_page(self, case_study_id: str) -> None:
        def made() -> tuple[Export, str, list[Finding]]:
            export = self._service.export(case_study_id)
            page = export.page()
            return export, page, export.findings + export.page_findings(page)

        self._run(made, lambda made: self._write(made[0], made[1], ".html", "Web page", made[2]))

    def story_markdown(self, story_id: str) -> None:
        self._run(lambda: self._service.story_export(story_id), lambda e: self._write(e, e.markdown, ".md", "Markdown"))

    def _write(
        self, export: Export, text: str, suffix: str, kind: str, findings: Sequence[Finding] | None = None
    ) -> None:
        from journal.export.files import atomic_write, slug

        if not confirm_findings(self._parent, export.findings if findings is None else findings):
            self._say("Nothing was exported.")
            return
        path = self.ask_save_path(f"Export “{export.title}”", slug(export.title), suffix, f"{kind} files")
        if path is None:
            self._say("")
            return
        self._run(
            lambda: atomic_write(path, text),
            lambda _: self._say(f"Wrote {path}." + left_out_sentence(export.left_out) + notes_sentence(export.notes)),
        )

    def copy_markdown(self, case_study_id: str) -> None:
        def copy(export: Export) -> None:
            if not confirm_findings(self._parent, export.findings):
                self._say("Nothing was copied.")
                return
            QGuiApplication.clipboard().setText(export.markdown)
            self._say(
                f"Copied “{export.title}” as Markdown."
                + left_out_sentence(export.left_out)
                + notes_sentence(export.notes)
            )

        self._run(lambda: self._service.export(case_study_id), copy)

    def site_folder(self) -> None:
        service = self._service

        def write(plan: SitePlan) -> None:
            if not plan.studies:
                self._say("There is no case study to export yet: make one in View ▸ Case studies.")
                return
            if not confirm_findings(self._parent, plan.findings):
                self._say("Nothing was exported.")
                return
            folder = self.ask_folder("Export every case study into a folder")
            if folder is None:
                self._say("")
                return
            self._run(lambda: service.write_site(plan, folder), lambda report: written(folder, report))

        def written(folder: Path, report: SiteReport) -> None:
            left_out = [item for _title, item in report.left_out]
            self._say(
                f"Wrote {len(report.files)} files into {folder} (a home page and one file per case study)."
                + left_out_sentence(left_out)
            )

        self._run(service.plan_site, write)
