"""Never losing a story: backups, restore, checks, recovery of a damaged journal, read-only journals."""
