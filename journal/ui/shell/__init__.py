"""The main window and what features receive from it: menus (written out in one place), the status bar,
the editor's hooks and the services."""
