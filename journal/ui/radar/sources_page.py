"""The radar window's Sources page: add a feed by its address, import an OPML file, add a folder of alert
e-mails, remove a source; each source's state in words; and the organisation's own sites, never suggested.

A refused address or domain gets a red line under its field saying what to type; nothing is added then.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from journal import APP_NAME
from journal.radar.opml import OpmlError
from journal.radar.sources import SourceRead
from journal.ui.radar.commands import REFUSALS, refusal
from journal.ui.radar.sources_model import NAME, SourceModel
from journal.ui.services.background import run_in_background
from journal.ui.services.radar import RadarService
from journal.ui.widgets.inline_message import InlineMessage
from journal.words import counted


class SourcesPage(QWidget):
    said = Signal(str)  # a sentence for the window's status bar
    added = Signal(list)  # the ids of sources just added: read them now

    def __init__(self, service: RadarService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("radarSources")
        self.service = service
        self._asked = self._answered = 0

        self.address = QLineEdit()
        self.address.setObjectName("feedAddress")
        self.address.setAccessibleName("Feed address")
        self.address.setPlaceholderText("A feed's address: https://blog.example/feed.xml (RSS, Atom or JSON Feed)")
        self.address.setClearButtonEnabled(True)
        self.add_button = QPushButton("&Add feed")
        self.message = InlineMessage()
        self.message.setObjectName("feedMessage")
        self.model = SourceModel(self)
        self.table = QTableView()
        self.table.setObjectName("radarSourceTable")
        self.table.setAccessibleName("Sources")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for number, width in ((NAME, 260), (1, 190), (2, 120), (3, 64)):
            self.table.setColumnWidth(number, width)
        self.empty = QLabel(
            "No sources yet. Paste a feed's address above, or import the OPML file a feed reader exports."
        )
        self.empty.setObjectName("radarSourcesEmpty")
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)
        self.import_button = QPushButton("Import &OPML…")
        self.import_button.setToolTip("Every feed of the OPML file a feed reader exports")
        self.folder_button = QPushButton("Add &e-mail folder…")
        self.folder_button.setToolTip("A folder where your mail program saves alert e-mails (.eml files)")
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setToolTip("Stop watching the chosen source")
        self.remove_action = QAction("Remove source", self.table)
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.remove_action)

        self.domain = QLineEdit()
        self.domain.setObjectName("excludeDomain")
        self.domain.setAccessibleName("Domain to exclude")
        self.domain.setPlaceholderText("yourcompany.com")
        self.exclude_button = QPushButton("E&xclude")
        self.domain_message = InlineMessage()
        self.domains = QListWidget()
        self.domains.setObjectName("excludedDomains")
        self.domains.setAccessibleName("Sites never suggested")
        self.domains.setMaximumHeight(110)
        self.include_button = QPushButton("Suggest &again")
        self.include_button.setToolTip("Pages of the chosen site can be suggested again (from the next entries on)")

        feeds = QGroupBox("Feeds and alert e-mails the radar reads")
        column = QVBoxLayout(feeds)
        line = QHBoxLayout()
        line.addWidget(self.address, 1)
        line.addWidget(self.add_button)
        column.addLayout(line)
        column.addWidget(self.message)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        buttons = QHBoxLayout()
        for button in (self.import_button, self.folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        column.addLayout(buttons)

        own = QGroupBox("Your own sites: pages on them are never suggested")
        column = QVBoxLayout(own)
        line = QHBoxLayout()
        line.addWidget(self.domain, 1)
        line.addWidget(self.exclude_button)
        column.addLayout(line)
        column.addWidget(self.domain_message)
        line = QHBoxLayout()
        line.addWidget(self.domains, 1)
        line.addWidget(self.include_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(line)

        layout = QVBoxLayout(self)
        layout.addWidget(feeds, 1)
        layout.addWidget(own)

        self.add_button.clicked.connect(self.add_feed)
        self.address.returnPressed.connect(self.add_feed)
        self.address.textEdited.connect(lambda _text: self.message.clear())
        self.import_button.clicked.connect(lambda: self.import_opml())
        self.folder_button.clicked.connect(lambda: self.add_mail_folder())
        self.remove_button.clicked.connect(self.remove_current)
        self.remove_action.triggered.connect(self.remove_current)
        self.exclude_button.clicked.connect(self.exclude)
        self.domain.returnPressed.connect(self.exclude)
        self.domain.textEdited.connect(lambda _text: self.domain_message.clear())
        self.include_button.clicked.connect(self.include_current)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.domains.currentRowChanged.connect(lambda _row: self._update_buttons())
        service.sources_changed.connect(self.reload)
        if service.read_only:
            for widget in (self.address, self.add_button, self.import_button, self.folder_button, self.domain):
                widget.setEnabled(False)
            self.exclude_button.setEnabled(False)
        self._update_buttons()
        self.reload()

    # ------------------------------------------------------------ showing
    @property
    def busy(self) -> bool:
        return self._asked != self._answered

    def reload(self) -> None:
        """Read the sources and the excluded domains off the GUI thread; the newest answer wins."""
        self._asked += 1
        asked, service = self._asked, self.service

        def done(result: tuple[list[SourceRead], list[str]] | None, error: BaseException | None) -> None:
            if asked != self._asked:
                return
            self._answered = asked
            if error is None and result is not None:
                self._show(*result)

        run_in_background(self, lambda: (service.sources(), service.excluded_domains()), done)

    def _show(self, sources: list[SourceRead], domains: list[str]) -> None:
        current = self.current_source()
        self.model.set_sources(sources)
        self.empty.setVisible(not sources)
        row = self.model.row_of(current.id) if current is not None else None
        if row is not None:
            self.table.selectRow(row)
        chosen = self.domains.currentItem().text() if self.domains.currentItem() else None
        self.domains.clear()
        self.domains.addItems(domains)
        if chosen in domains:
            self.domains.setCurrentRow(domains.index(chosen))
        self._update_buttons()

    def current_source(self) -> SourceRead | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.source(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        writable = not self.service.read_only
        self.remove_button.setEnabled(writable and self.current_source() is not None)
        self.remove_action.setEnabled(self.remove_button.isEnabled())
        self.include_button.setEnabled(writable and self.domains.currentItem() is not None)

    def focus_address(self) -> None:
        self.address.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.address.selectAll()

    # ------------------------------------------------------------ adding and removing sources
    def add_feed(self) -> SourceRead | None:
        text = self.address.text().strip()
        if not text:
            self.message.show_error("Paste the address of a feed (RSS, Atom or JSON Feed): https://…")
            return None
        try:
            added = self.service.add_feed(text)
        except REFUSALS as error:
            self.message.show_error(refusal(error))
            return None
        self.message.clear()
        self.address.clear()
        self._added([added], f"Watching {added.name}; reading it now.")
        return added

    def ask_opml_path(self) -> Path | None:
        """The OPML file to import (a file dialog; tests answer it themselves)."""
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import the feeds of an OPML file", str(Path.home()), "OPML files (*.opml *.xml);;All files (*)"
        )
        return Path(chosen) if chosen else None

    def ask_mail_folder(self) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self, "A folder of saved alert e-mails (.eml)", str(Path.home()))
        return Path(chosen) if chosen else None

    def import_opml(self, path: Path | None = None) -> int:
        path = path or self.ask_opml_path()
        if path is None:
            return 0
        try:
            imported = self.service.import_opml(path)
        except OpmlError as error:
            self.message.show_error(str(error))
            return 0
        except REFUSALS as error:
            self.message.show_error(refusal(error))
            return 0
        self.message.clear()
        said = [f"Imported {counted(len(imported.added), 'feed')} from {path.name}"]
        if imported.already:
            said.append(f"{imported.already} watched already")
        if imported.skipped:
            said.append(f"{counted(imported.skipped, 'outline')} without a web address left out")
        self._added(imported.added, "; ".join(said) + ".")
        return len(imported.added)

    def add_mail_folder(self, folder: Path | None = None) -> SourceRead | None:
        folder = folder or self.ask_mail_folder()
        if folder is None:
            return None
        try:
            added = self.service.add_mail_folder(folder)
        except REFUSALS as error:
            self.message.show_error(refusal(error))
            return None
        self.message.clear()
        self._added([added], f"Reading the alert e-mails saved in {folder}.")
        return added

    def _added(self, sources: list[SourceRead], sentence: str) -> None:
        self.said.emit(sentence)
        if sources:
            self.added.emit([source.id for source in sources])

    def remove_current(self) -> bool:
        source = self.current_source()
        if source is None:
            return False
        answer = QMessageBox.question(
            self,
            f"Stop watching — {APP_NAME}",
            f"Stop watching “{source.name}”? Its suggestions still waiting in the inbox go too; the posts you "
            "linked or dismissed stay as they are, and are not suggested again if you add it back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            removed = self.service.remove_source(source.id)
        except REFUSALS as error:
            self.message.show_error(refusal(error))
            return False
        self.said.emit(f"No longer watching {removed.name}.")
        return True

    # ------------------------------------------------------------ the organisation's own sites
    def exclude(self) -> str | None:
        text = self.domain.text().strip()
        if not text:
            self.domain_message.show_error("Type a domain, such as yourcompany.com.")
            return None
        try:
            domain, gone = self.service.exclude_domain(text)
        except REFUSALS as error:
            self.domain_message.show_error(refusal(error))
            return None
        self.domain_message.clear()
        self.domain.clear()
        went = f" ({counted(gone, 'suggestion')} waiting in the inbox went)" if gone else ""
        self.said.emit(f"Pages on {domain} are never suggested{went}.")
        return domain

    def include_current(self) -> None:
        item = self.domains.currentItem()
        if item is None:
            return
        try:
            self.service.include_domain(item.text())
        except REFUSALS as error:
            self.domain_message.show_error(refusal(error))
            return
        self.said.emit(f"Pages on {item.text()} can be suggested again (from the next entries read).")
