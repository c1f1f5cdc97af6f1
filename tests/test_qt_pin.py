"""PySide6 6.12.0 on Python 3.11 corrupts the reference count of None on every call to a method that
returns nothing, and the process aborts after a few thousand calls. pyproject.toml keeps 3.11 on 6.11;
this proves the installed combination is not affected."""

from __future__ import annotations

import sys
from importlib.metadata import version

from PySide6.QtGui import QStandardItem, QStandardItemModel


def test_installed_pyside_is_not_the_broken_combination() -> None:
    installed = version("PySide6-Essentials")
    assert not (sys.version_info[:2] == (3, 11) and installed.startswith("6.12.0")), installed


def test_void_methods_leave_the_reference_count_of_none_alone() -> None:
    item = QStandardItem()
    model = QStandardItemModel(1, 1)
    before = sys.getrefcount(None)
    for number in range(10_000):
        item.setText(str(number))
        model.setItem(0, 0, QStandardItem(str(number)))
    after = sys.getrefcount(None)
    # On the broken build every call drops a reference (10,000 or more here); a few may come and go.
    assert abs(after - before) < 100, (before, after)
