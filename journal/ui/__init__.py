"""The window: widgets, dialogs, item models, actions. The only package that imports QtWidgets."""

from journal.ui.lean_imports import skip_httpx_cli, spare_source_reading

spare_source_reading()  # before the window's modules are imported: each would otherwise be kept as text
skip_httpx_cli()  # before anything imports httpx
