"""The team sync on the laptop (no Qt): each journal file keeps working offline and, when joined to a team,
pushes what changed here and pulls what changed elsewhere through the team server (journal/server).

The window and the command line use journal.sync.engine: join(), sync_once() -> SyncResult (with progress
and cancel), team_status() -> TeamStatus, leave().
"""
