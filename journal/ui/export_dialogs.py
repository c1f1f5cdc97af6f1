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

import sqlalchemy as sa
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from journal import APP_NAME
from journal.export.files import atomic_write, slug
from journal.export.html import standalone_page
from journal.export.markdown import Export, NothingToExportError
from journal.export.privacy import Finding, LeftOut
from journal.store.errors import JournalError
from journal.ui.case_study_service import CaseStudyService

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
        f"{count} {'passage looks' if count == 1 else 'passages look'} confidential. "
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
    return f" Left out {count} {'story' if count == 1 else 'stories'}: {names}{more}."


def show_error(parent: QWidget, error: BaseException) -> None:
    reason = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    QMessageBox.warning(parent, f"Export failed — {APP_NAME}", str(reason))


class Exporter:
    """The export commands of one window. `ask_save_path` and `ask_folder` are the file dialogs."""

    def __init__(self, parent: QWidget, service: CaseStudyService, settings: QSettings, say: Say) -> None:
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

    # ------------------------------------------------------------ commands
    def _export(self, case_study_id: str) -> Export | None:
        try:
            export = self._service.export(case_study_id)
        except (JournalError, sa.exc.OperationalError) as error:
            show_error(self._parent, error)
            return None
        return export if confirm_findings(self._parent, export.findings) else None

    def markdown_file(self, case_study_id: str) -> Path | None:
        export = self._export(case_study_id)
        if export is None:
            return None
        return self._write(export, export.markdown, ".md", "Markdown")

    def html_page(self, case_study_id: str) -> Path | None:
        export = self._export(case_study_id)
        if export is None:
            return None
        return self._write(export, standalone_page(export.markdown, export.title), ".html", "Web page")

    def _write(self, export: Export, text: str, suffix: str, kind: str) -> Path | None:
        path = self.ask_save_path(f"Export “{export.title}”", slug(export.title), suffix, f"{kind} files")
        if path is None:
            return None
        try:
            atomic_write(path, text)
        except JournalError as error:
            show_error(self._parent, error)
            return None
        self._say(f"Wrote {path}." + left_out_sentence(export.left_out))
        return path

    def copy_markdown(self, case_study_id: str) -> bool:
        export = self._export(case_study_id)
        if export is None:
            return False
        QGuiApplication.clipboard().setText(export.markdown)
        self._say(f"Copied “{export.title}” as Markdown." + left_out_sentence(export.left_out))
        return True

    def site_folder(self) -> Path | None:
        try:
            summaries = self._service.summaries()
            findings = [finding for s in summaries for finding in self._service.export(s.id).findings]
        except (JournalError, sa.exc.OperationalError) as error:
            show_error(self._parent, error)
            return None
        if not summaries:
            self._say("There is no case study to export yet: make one in View ▸ Case studies.")
            return None
        if not confirm_findings(self._parent, findings):
            return None
        folder = self.ask_folder("Export every case study into a folder")
        if folder is None:
            return None
        try:
            report = self._service.export_site(folder)
        except (JournalError, sa.exc.OperationalError) as error:
            show_error(self._parent, error)
            return None
        left_out = [item for _title, item in report.left_out]
        self._say(
            f"Wrote {len(report.files)} files into {folder} (index.md and one file per case study)."
            + left_out_sentence(left_out)
        )
        return folder

    def story_markdown(self, story_id: str) -> Path | None:
        try:
            export = self._service.story_export(story_id)
        except NothingToExportError as error:
            QMessageBox.information(self._parent, f"Export story — {APP_NAME}", str(error))
            return None
        except (JournalError, sa.exc.OperationalError) as error:
            show_error(self._parent, error)
            return None
        if not confirm_findings(self._parent, export.findings):
            return None
        return self._write(export, export.markdown, ".md", "Markdown")
