"""The newest schema revision, in a module of its own: the window's first paint (journal.ui.shell.first_paint)
checks a journal is current with plain sqlite3, before SQLAlchemy and Alembic are imported."""

SCHEMA_HEAD = "0012"
