"""The menu bar, written out in one place: which action goes in which menu, in what order.

Items are actions (actions.py), submenus (Menu) and SEPARATOR. A submenu a feature fills as it opens (Add to
case study) is listed with no items of its own; the feature gets it with `shell.menu(Menu.NAME)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from journal.ui.shell.actions import Act


class Menu(Enum):
    FILE = auto()
    EDIT = auto()
    VIEW = auto()
    COVERAGE = auto()
    HELP = auto()
    EXPORT = auto()
    ADD_TO_CASE_STUDY = auto()


SEPARATOR = None
Item = Act | Menu | None


@dataclass(frozen=True)
class MenuSpec:
    title: str
    object_name: str
    items: tuple[Item, ...] = ()


MENUS: dict[Menu, MenuSpec] = {
    Menu.FILE: MenuSpec(
        "&File",
        "fileMenu",
        (
            Act.NEW_STORY,
            Act.OPEN_JOURNAL,
            Act.OPEN_SAMPLE,
            Act.OPEN_MY_JOURNAL,
            SEPARATOR,
            Menu.EXPORT,
            Act.BACK_UP,
            Act.RESTORE_BACKUP,
            Act.CHECK_JOURNAL,
            Act.EXPORT_BUNDLE,
            Act.IMPORT_BUNDLE,
            Act.IMPORT_SPREADSHEET,
            SEPARATOR,
            Act.QUIT,
        ),
    ),
    Menu.EDIT: MenuSpec(
        "&Edit",
        "editMenu",
        (
            Act.UNDO,
            Act.REDO,
            SEPARATOR,
            Act.DELETE_STORY,
            SEPARATOR,
            Menu.ADD_TO_CASE_STUDY,
            SEPARATOR,
            Act.NEXT_CONFLICT,
        ),
    ),
    Menu.VIEW: MenuSpec(
        "&View",
        "viewMenu",
        (
            Act.FIND,
            Act.FOCUS_LIST,
            Act.SAVE_SEARCH,
            SEPARATOR,
            Act.CASE_STUDIES,
            SEPARATOR,
            Act.IMPACT_DASHBOARD,
            Act.COVERAGE_RADAR,
        ),
    ),
    Menu.COVERAGE: MenuSpec(
        "&Coverage",
        "coverageMenu",
        (Act.FETCH_LINKS, Act.FETCH_RECEIVED_LINKS, Act.CHECK_LINKS, SEPARATOR, Act.READ_FEEDS),
    ),
    Menu.HELP: MenuSpec("&Help", "helpMenu", (Act.ABOUT,)),
    Menu.EXPORT: MenuSpec("&Export", "exportMenu", (Act.EXPORT_STORY, Act.EXPORT_CASE_STUDY, Act.EXPORT_SITE)),
    Menu.ADD_TO_CASE_STUDY: MenuSpec("&Add to case study", "addToCaseStudyMenu"),
}

MENU_BAR = (Menu.FILE, Menu.EDIT, Menu.VIEW, Menu.COVERAGE, Menu.HELP)

# The story list's right-click menu.
STORY_LIST_MENU: tuple[Item, ...] = (Act.DELETE_STORY, Menu.ADD_TO_CASE_STUDY)


def build_menus(window: QWidget, bar: QMenuBar, actions: Mapping[Act, QAction]) -> dict[Menu, QMenu]:
    """Every menu of MENUS, filled with `actions`; the top-level ones in the menu bar, in MENU_BAR's order."""
    menus = {name: QMenu(spec.title, window) for name, spec in MENUS.items()}
    for name, menu in menus.items():
        menu.setObjectName(MENUS[name].object_name)
        for item in MENUS[name].items:
            if item is SEPARATOR:
                menu.addSeparator()
            elif isinstance(item, Menu):
                menu.addMenu(menus[item])
            else:
                menu.addAction(actions[item])
    for name in MENU_BAR:
        bar.addMenu(menus[name])
    return menus


def fill_widget(
    widget: QWidget, items: tuple[Item, ...], actions: Mapping[Act, QAction], menus: Mapping[Menu, QMenu]
) -> None:
    """Give `widget` these actions and submenus (its right-click menu, with ActionsContextMenu)."""
    for item in items:
        if isinstance(item, Menu):
            widget.addAction(menus[item].menuAction())
        elif item is not None:
            widget.addAction(actions[item])
