"""The journal file: tables, migrations and queries. No Qt here."""
