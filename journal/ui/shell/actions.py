"""Every action of the main window, keyed by name: its text, shortcut and menu role, in one table.

The window makes a QAction for each (menus.py says where each one goes). A feature looks its actions up
with `shell.action(Act.NAME)` and connects them; it never makes menu items of its own. A new feature adds
its actions here and places them in menus.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from journal import APP_NAME

Keys = QKeySequence.StandardKey | str


class Act(Enum):
    # the window's own
    NEW_STORY = auto()
    OPEN_JOURNAL = auto()
    OPEN_SAMPLE = auto()
    OPEN_MY_JOURNAL = auto()
    QUIT = auto()
    UNDO = auto()
    REDO = auto()
    DELETE_STORY = auto()
    FIND = auto()
    FOCUS_LIST = auto()
    SAVE_SEARCH = auto()
    ABOUT = auto()
    # case studies
    CASE_STUDIES = auto()
    EXPORT_STORY = auto()
    EXPORT_CASE_STUDY = auto()
    EXPORT_SITE = auto()
    # coverage
    FETCH_LINKS = auto()
    FETCH_RECEIVED_LINKS = auto()
    CHECK_LINKS = auto()
    # coverage radar
    COVERAGE_RADAR = auto()
    READ_FEEDS = auto()
    # reach
    IMPACT_DASHBOARD = auto()
    # safety
    BACK_UP = auto()
    RESTORE_BACKUP = auto()
    CHECK_JOURNAL = auto()
    # bundles
    EXPORT_BUNDLE = auto()
    IMPORT_BUNDLE = auto()
    IMPORT_SPREADSHEET = auto()
    NEXT_CONFLICT = auto()


@dataclass(frozen=True)
class ActionSpec:
    text: str
    keys: Keys | None = None
    role: QAction.MenuRole | None = None
    status_tip: str = ""
    object_name: str = ""
    # Also added to the window itself, so the shortcut works wherever the focus is (and without a menu bar).
    window_shortcut: bool = False


ACTIONS: dict[Act, ActionSpec] = {
    Act.NEW_STORY: ActionSpec("&New story", QKeySequence.StandardKey.New, window_shortcut=True),
    Act.OPEN_JOURNAL: ActionSpec("&Open journal…", QKeySequence.StandardKey.Open, window_shortcut=True),
    Act.OPEN_SAMPLE: ActionSpec("Open the &sample journal"),
    Act.OPEN_MY_JOURNAL: ActionSpec("Open &my journal"),
    Act.QUIT: ActionSpec("&Quit", QKeySequence.StandardKey.Quit, QAction.MenuRole.QuitRole, window_shortcut=True),
    Act.UNDO: ActionSpec("&Undo", QKeySequence.StandardKey.Undo, window_shortcut=True),
    Act.REDO: ActionSpec("&Redo", QKeySequence.StandardKey.Redo, window_shortcut=True),
    # Delete acts on the story list only (the window gives it that context); in a text field the key deletes
    # text, in the coverage table a link.
    Act.DELETE_STORY: ActionSpec("&Delete story", QKeySequence.StandardKey.Delete),
    Act.FIND: ActionSpec("&Find…", QKeySequence.StandardKey.Find, window_shortcut=True),
    Act.FOCUS_LIST: ActionSpec("Go to the story &list", "Ctrl+L", window_shortcut=True),
    Act.SAVE_SEARCH: ActionSpec("&Save search…"),
    Act.ABOUT: ActionSpec(f"&About {APP_NAME}", role=QAction.MenuRole.AboutRole),
    Act.CASE_STUDIES: ActionSpec("&Case studies", "Ctrl+Shift+C", window_shortcut=True),
    Act.EXPORT_STORY: ActionSpec("Story as &Markdown…"),
    Act.EXPORT_CASE_STUDY: ActionSpec("&Case study (Markdown, HTML, clipboard)…"),
    Act.EXPORT_SITE: ActionSpec("&All case studies to a folder…"),
    Act.FETCH_LINKS: ActionSpec("&Fetch Waiting Links", status_tip="Fetch the pages of links saved while offline"),
    Act.FETCH_RECEIVED_LINKS: ActionSpec(
        "Fetch &Received Links",
        status_tip="Fetch the pages of links that came in bundles or from the team (never fetched unless you ask)",
    ),
    Act.CHECK_LINKS: ActionSpec("&Check Links", status_tip="Ask every link's site whether the page is still there"),
    Act.COVERAGE_RADAR: ActionSpec(
        "Coverage &radar",
        "Ctrl+Shift+R",
        status_tip="Posts from the feeds you watch that are about your stories",
        object_name="coverageRadarAction",
        window_shortcut=True,
    ),
    Act.READ_FEEDS: ActionSpec("&Read Radar Feeds Now", status_tip="Read the radar's feeds and alert e-mails now"),
    Act.IMPACT_DASHBOARD: ActionSpec(
        "Impact &dashboard", "Ctrl+Shift+D", object_name="impactDashboardAction", window_shortcut=True
    ),
    Act.BACK_UP: ActionSpec("&Back up now"),
    Act.RESTORE_BACKUP: ActionSpec("&Restore from backup…"),
    Act.CHECK_JOURNAL: ActionSpec("Chec&k the journal"),
    Act.EXPORT_BUNDLE: ActionSpec("&Export bundle…"),
    Act.IMPORT_BUNDLE: ActionSpec("&Import bundle…"),
    Act.IMPORT_SPREADSHEET: ActionSpec("Import &spreadsheet…"),
    Act.NEXT_CONFLICT: ActionSpec("Next &conflict to resolve"),
}


def apply_spec(action: QAction, spec: ActionSpec, window: QWidget) -> QAction:
    """Give `action` (made here, or by a QUndoStack) the text, shortcut and role of its spec."""
    action.setText(spec.text)
    if spec.keys is not None:
        action.setShortcut(QKeySequence(spec.keys))
    if spec.role is not None:
        action.setMenuRole(spec.role)
    if spec.status_tip:
        action.setStatusTip(spec.status_tip)
    if spec.object_name:
        action.setObjectName(spec.object_name)
    if spec.window_shortcut:
        window.addAction(action)
    return action
