"""The team journal in the window: File ▸ Join a team…, Sync now and Leave the team…, the sync state in the
status bar, and syncing in the background (journal/ui/services/team.py runs it)."""
