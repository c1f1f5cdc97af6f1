"""The sidebar: all stories, saved searches ("smart lists") and the tag library, each with its count; and the
entries features add (the coverage radar's inbox, with the count of what waits in it).

Choosing an entry shows its stories in the list (a feature's entry opens what the feature shows). Tags are a
tree (`parent/child`); rename, merge, delete and colour them from the context menu or the keyboard (F2
renames, Delete deletes), and undo any of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap, QStandardItem, QStandardItemModel, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from journal.store import saved, tags
from journal.store.fields import FieldError
from journal.store.listing import StoryQuery
from journal.store.tags import TagExistsError
from journal.ui.services.background import run_in_background
from journal.ui.services.stories import StoryService
from journal.ui.stories.commands import SnapshotCommand, StoryFocus

KindRole = Qt.ItemDataRole.UserRole + 1  # "all", "saved", "tag", "feature", or "" for a heading
KeyRole = Qt.ItemDataRole.UserRole + 2  # the saved search id, the tag's full name, or the feature entry's key
COUNT_DELAY_MS = 800  # counts are refreshed this long after the last change, not on every keystroke
FEATURE = "feature"


@dataclass
class _FeatureEntry:
    text: str
    activated: Callable[[], None]
    strong: bool = False


def _dot(color: str | None) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color) if color else Qt.GlobalColor.transparent)
    return QIcon(pixmap)


class Sidebar(QWidget):
    query_chosen = Signal(object)  # a StoryQuery to show
    save_requested = Signal()

    def __init__(
        self, service: StoryService, undo_stack: QUndoStack, focus: StoryFocus, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._undo_stack = undo_stack
        self._focus = focus
        self.model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setObjectName("sidebar")
        self.tree.setAccessibleName("Saved searches and tags")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.setUniformRowHeights(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)

        self.rename_action = self._tree_action("Rename…", QKeySequence(Qt.Key.Key_F2), self.rename_current)
        self.delete_action = self._tree_action(
            "Delete", QKeySequence(QKeySequence.StandardKey.Delete), self.delete_current
        )
        self.merge_action = self._tree_action("Merge into…", QKeySequence(), self.merge_current)
        self.color_action = self._tree_action("Colour…", QKeySequence(), self.color_current)
        self.clear_color_action = self._tree_action("No colour", QKeySequence(), lambda: self.set_color(None))

        self._features: dict[str, _FeatureEntry] = {}
        self._asked = self._answered = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COUNT_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.tree.clicked.connect(self._choose)
        self.tree.activated.connect(self._choose)
        self.tree.customContextMenuRequested.connect(self._menu)
        service.library_changed.connect(self.refresh)
        service.stories_changed.connect(self._timer.start)
        service.story_updated.connect(lambda _story_id: self._timer.start())
        self.refresh()

    def set_read_only(self) -> None:
        """The journal cannot be written: no renaming, merging, colouring or deleting."""
        for action in self.tree.actions():
            action.setEnabled(False)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

    def _tree_action(self, text: str, keys: QKeySequence, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.tree)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.tree.addAction(action)
        return action

    # ------------------------------------------------------------ a feature's entries
    def add_feature_entry(self, key: str, text: str, activated: Callable[[], None]) -> None:
        """An entry under All stories that opens something of a feature's (clicked, or Enter)."""
        self._features[key] = _FeatureEntry(text, activated)
        if self.model.rowCount():
            self.model.insertRow(len(self._features), self._feature_item(key))

    def set_feature_entry(self, key: str, text: str, *, strong: bool = False) -> None:
        """New text for a feature's entry (say, with a count); `strong`: in bold, something waits there."""
        entry = self._features[key]
        entry.text, entry.strong = text, strong
        for index in self.model.match(self.model.index(0, 0), KeyRole, key, 1, Qt.MatchFlag.MatchExactly):
            if index.data(KindRole) == FEATURE:
                item = self.model.itemFromIndex(index)
                self._style_feature(item, entry)

    def _feature_item(self, key: str) -> QStandardItem:
        item = self._item(self._features[key].text, FEATURE, key)
        item.setSelectable(False)  # it opens a window; the list keeps showing what was chosen before
        self._style_feature(item, self._features[key])
        return item

    @staticmethod
    def _style_feature(item: QStandardItem, entry: _FeatureEntry) -> None:
        item.setText(entry.text)
        item.setToolTip(entry.text)
        font = item.font()
        font.setBold(entry.strong)
        item.setFont(font)

    # ------------------------------------------------------------ contents
    @property
    def busy(self) -> bool:
        """Counts are being read in the background."""
        return self._asked != self._answered

    def refresh(self) -> None:
        """Read the entries and their counts off the GUI thread, then show them (the newest answer wins)."""
        self._timer.stop()
        self._asked += 1
        asked, service = self._asked, self.service

        def work() -> tuple[int, list[tuple[str, str, int]], list[tuple[str, int]], dict[str, str]]:
            searches = [(i, name, service.count(query)) for i, name, query in service.saved_searches()]
            return service.count(), searches, service.tag_counts(), service.tag_colors()

        def done(result: Any, error: BaseException | None) -> None:
            if asked != self._asked:
                return
            self._answered = asked
            if error is None:
                self._show(*result)

        run_in_background(self, work, done)

    def _show(
        self, total: int, searches: list[tuple[str, str, int]], counts: list[tuple[str, int]], colors: dict[str, str]
    ) -> None:
        """Rebuild the entries, keeping what was chosen and what was open."""
        current = self._current()
        expanded = self._expanded_tags()
        first = not self.model.rowCount()
        self.model.clear()
        root = self.model.invisibleRootItem()
        everything = self._item(f"All stories ({total})", "all", "")
        root.appendRow(everything)
        for key in self._features:
            root.appendRow(self._feature_item(key))

        section = self._item("Saved searches", "", "")
        section.setSelectable(False)
        for search_id, name, count in searches:
            section.appendRow(self._item(f"{name} ({count})", "saved", search_id))
        if not section.rowCount():
            hint = self._item("Search or filter, then View ▸ Save search…", "", "")
            hint.setEnabled(False)
            section.appendRow(hint)
        root.appendRow(section)

        library = self._item("Tags", "", "")
        library.setSelectable(False)
        nodes: dict[str, QStandardItem] = {}
        for name, count in counts:
            parent = library
            parts = name.split("/")
            for depth in range(1, len(parts)):
                prefix = "/".join(parts[:depth])
                if prefix not in nodes:
                    node = self._item(parts[depth - 1], "tag", prefix)
                    node.setIcon(_dot(colors.get(prefix)))
                    parent.appendRow(node)
                    nodes[prefix] = node
                parent = nodes[prefix]
            if name in nodes:
                nodes[name].setText(f"{parts[-1]} ({count})")
                continue
            item = self._item(f"{parts[-1]} ({count})", "tag", name)
            item.setIcon(_dot(colors.get(name)))
            parent.appendRow(item)
            nodes[name] = item
        if not library.rowCount():
            hint = self._item("Tags you give stories appear here", "", "")
            hint.setEnabled(False)
            library.appendRow(hint)
        root.appendRow(library)

        self.tree.expand(section.index())
        self.tree.expand(library.index())
        for name in expanded:
            if name in nodes:
                self.tree.expand(nodes[name].index())
        if first:
            self.tree.setCurrentIndex(everything.index())
        elif current is not None:
            self._select(*current)

    @staticmethod
    def _item(text: str, kind: str, key: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setData(kind, KindRole)
        item.setData(key, KeyRole)
        item.setToolTip(key if kind == "tag" else text)
        return item

    def _expanded_tags(self) -> list[str]:
        names = []
        stack = [self.model.invisibleRootItem()]
        while stack:
            item = stack.pop()
            for row in range(item.rowCount()):
                child = item.child(row)
                if child.data(KindRole) == "tag" and self.tree.isExpanded(child.index()):
                    names.append(child.data(KeyRole))
                stack.append(child)
        return names

    def _current(self) -> tuple[str, str] | None:
        index = self.tree.currentIndex()
        return (index.data(KindRole), index.data(KeyRole)) if index.isValid() and index.data(KindRole) else None

    def _select(self, kind: str, key: str) -> None:
        matches = self.model.match(
            self.model.index(0, 0), KeyRole, key, -1, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive
        )
        for index in matches:
            if index.data(KindRole) == kind:
                self.tree.setCurrentIndex(index)
                return

    def _choose(self, index: QModelIndex) -> None:
        kind, key = index.data(KindRole), index.data(KeyRole)
        if kind == FEATURE:
            self._features[key].activated()
        elif kind == "all":
            self.query_chosen.emit(StoryQuery())
        elif kind == "tag":
            self.query_chosen.emit(StoryQuery(tags=(key,)))
        elif kind == "saved" and (query := self.service.saved_search(key)) is not None:
            self.query_chosen.emit(query)

    def _menu(self, position: QPoint) -> None:
        kind = self.tree.indexAt(position).data(KindRole)
        if kind not in ("tag", "saved"):
            return
        menu = QMenu(self)
        menu.addAction(self.rename_action)
        if kind == "tag":
            menu.addActions([self.merge_action, self.color_action, self.clear_color_action])
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.tree.viewport().mapToGlobal(position))

    # ------------------------------------------------------------ tag operations
    def _tag(self) -> str | None:
        current = self._current()
        return current[1] if current and current[0] == "tag" else None

    def _change_tags(self, text: str, names: list[str], change: Callable[[Session], None]) -> bool:
        self._focus.about_to_change.emit()
        try:
            before, after = self.service.change_tags(names, change)
        except FieldError as error:
            if isinstance(error, TagExistsError):
                raise
            QMessageBox.warning(self, "Tags", str(error))
            return False
        self._undo_stack.push(SnapshotCommand(text, self._focus, before, after, self.service.restore_tags))
        return True

    def rename_tag(self, old: str, new: str) -> bool:
        """Rename (with its nested tags); onto an existing name, offer to merge."""
        try:
            return self._change_tags(f"Rename tag {old}", [old, new], lambda s: tags.rename(old, new, session=s))
        except TagExistsError as clash:
            answer = QMessageBox.question(
                self,
                "Merge tags?",
                f"{clash} Every story tagged “{old}” would be tagged “{clash.name}” instead.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
            change = lambda s: tags.rename(old, new, merge=True, session=s)  # noqa: E731
            return self._change_tags(f"Merge tag {old} into {new}", [old, new], change)

    def rename_current(self) -> None:
        current = self._current()
        if current is None:
            return
        kind, key = current
        if kind == "saved":
            self._rename_saved(key)
            return
        new, ok = QInputDialog.getText(self, "Rename tag", f"New name for “{key}”:", text=key)
        if ok and new.strip() and new.strip() != key:
            self.rename_tag(key, new.strip())

    def merge_current(self) -> None:
        source = self._tag()
        if source is None:
            return
        others = [name for name, _count in self.service.tag_counts() if name != source]
        if not others:
            return
        target, ok = QInputDialog.getItem(self, "Merge tag", f"Merge “{source}” into:", others, 0, False)
        if ok and target:
            self._change_tags(
                f"Merge tag {source} into {target}", [source, target], lambda s: tags.merge(source, target, session=s)
            )

    def delete_current(self) -> None:
        current = self._current()
        if current is None:
            return
        kind, key = current
        if kind == "tag":
            self._change_tags(f"Delete tag {key}", [key], lambda s: tags.delete(key, session=s))
        elif kind == "saved":
            self._change_saved("Delete saved search", lambda s: saved.delete(key, session=s))

    def color_current(self) -> None:
        name = self._tag()
        if name is None:
            return
        colors = self.service.tag_colors()
        chosen = QColorDialog.getColor(QColor(colors.get(name, "#3d7bd9")), self, f"Colour of “{name}”")
        if chosen.isValid():
            self.set_color(chosen.name())

    def set_color(self, color: str | None) -> None:
        name = self._tag()
        if name is not None:
            self._change_tags(f"Colour tag {name}", [name], lambda s: tags.set_color(name, color, session=s))

    # ------------------------------------------------------------ saved searches
    def _change_saved(self, text: str, change: Callable[[Session], object]) -> bool:
        try:
            before, after = self.service.change_saved(change)
        except FieldError as error:
            QMessageBox.warning(self, "Saved searches", str(error))
            return False
        self._undo_stack.push(SnapshotCommand(text, self._focus, before, after, self.service.restore_saved))
        return True

    def save_search(self, name: str, query: StoryQuery) -> bool:
        return self._change_saved(f"Save search {name}", lambda s: saved.save(name, query, session=s))

    def _rename_saved(self, search_id: str) -> None:
        names = {i: name for i, name, _query in self.service.saved_searches()}
        new, ok = QInputDialog.getText(self, "Rename saved search", "New name:", text=names.get(search_id, ""))
        if ok and new.strip():
            self._change_saved("Rename saved search", lambda s: saved.rename(search_id, new, session=s))
