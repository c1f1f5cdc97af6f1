"""The seam between the main window and the features: what a feature receives, and all it may use.

A feature (case studies, coverage, reach, bundles, safety, ...) is a class in its own folder under
journal/ui/, built by app.py with the window's Shell: `Feature(shell)`. It connects the actions it serves
(actions.py; their places in the menus are in menus.py), reads and writes through `shell.services`, and
uses the hooks below; it never imports the main window and never sets attributes on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from journal.ui.services.all import Services
from journal.ui.shell.actions import Act
from journal.ui.shell.menus import Menu
from journal.ui.stories.list_model import StoryListModel


class Shell(Protocol):
    # ------------------------------------------------------------ what the window is made of
    @property
    def services(self) -> Services: ...

    @property
    def settings(self) -> QSettings: ...

    @property
    def widget(self) -> QWidget:
        """The window: the parent of a feature's dialogs, windows and objects (they close with it)."""
        ...

    @property
    def story_list(self) -> StoryListModel:
        """The stories the list shows: its current query, and `query_applied` when that changes."""
        ...

    # ------------------------------------------------------------ menus, status bar, banners
    def action(self, name: Act) -> QAction: ...

    def menu(self, name: Menu) -> QMenu: ...

    def say(self, sentence: str, timeout_ms: int = 15_000) -> None:
        """A sentence in the status bar."""
        ...

    def add_status_widget(self, widget: QWidget) -> None:
        """A permanent part of the status bar, at its right."""
        ...

    def add_banner(self, widget: QWidget) -> None:
        """A band across the top of the window, above the stories."""
        ...

    def add_sidebar_entry(self, key: str, text: str, activated: Callable[[], None]) -> None:
        """An entry in the sidebar, under All stories, that opens what the feature shows (clicked, or Enter)."""
        ...

    def set_sidebar_entry(self, key: str, text: str, *, strong: bool = False) -> None:
        """New text for the feature's sidebar entry (a count: "Coverage radar (3)"); `strong` shows it in bold."""
        ...

    def set_read_only(self) -> None:
        """Nothing can be written to this journal: no new, deleted or edited stories, tags or searches."""
        ...

    # ------------------------------------------------------------ the story in the editor
    def current_story(self) -> str | None: ...

    def current_title(self) -> str:
        """The title as typed in the editor (perhaps not saved yet)."""
        ...

    def save_story(self) -> bool:
        """Save the editor's last changes now; False when they could not be written (they are kept, retried)."""
        ...

    def show_story(self, story_id: str) -> bool:
        """Select the story in the list and open it; False when the current search or filters hide it."""
        ...

    def add_editor_banner(self, widget: QWidget) -> None:
        """A band across the top of the editor, above the story's fields."""
        ...

    def when_story_shown(self, slot: Callable[[str | None], None]) -> None:
        """Call `slot(story_id)` each time the editor shows another story (None: no story)."""
        ...

    # ------------------------------------------------------------ the window's life
    def when_closing(self, may_close: Callable[[], bool]) -> None:
        """Ask `may_close()` before the window closes; False keeps it open (say, a window that cannot save)."""
        ...

    def when_closed(self, closed: Callable[[], None]) -> None:
        """Call `closed()` once the window closes (its last edit saved): stop background work."""
        ...

    def when_read_failed(self, slot: Callable[[str], None]) -> None:
        """Call `slot(reason)` when a page of stories could not be read from the journal."""
        ...
