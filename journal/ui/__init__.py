"""The window: widgets, dialogs, item models, actions. The only package that imports QtWidgets."""

from journal.ui.source_scan import spare_source_reading

spare_source_reading()  # before the window's modules are imported: each would otherwise be kept as text
