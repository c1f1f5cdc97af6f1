"""Stories in the main window: the list, its search and filters, the sidebar, the editor, undo."""
