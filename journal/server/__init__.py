"""The team server: a stateless HTTP sync service over PostgreSQL (no Qt). Its dependencies are the optional
`server` group (`pip install 'story-journal[server]'`); `journal-server` is its command.

Any number of server processes may serve one database: everything a request needs (accounts, devices,
wrong-password counts, the teams' change sequences, pushes already answered) lives in PostgreSQL.
"""
