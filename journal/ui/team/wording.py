"""What the status bar says about the team sync: a few words, and the whole sentence for the tooltip."""

from __future__ import annotations

import datetime as dt

from journal.ui.services.team import Phase, SyncState
from journal.words import counted

SYNC_KEYS_HINT = "File ▸ Sync now"


def when(moment: dt.datetime, today: dt.date | None = None) -> str:
    """12:04 today, 2026-11-28 12:04 another day (local time)."""
    local = moment.astimezone()
    if local.date() == (today or dt.datetime.now().astimezone().date()):
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def describe(state: SyncState) -> tuple[str, str]:
    """(words, tooltip); no words when this journal is not in a team."""
    status = state.status
    if status is None or not status.joined:
        return "", ""
    who = f"Team {status.team} at {status.server}, signed in as {status.email} ({status.role})."
    last = f"Last sync {when(status.last_sync)}." if status.last_sync else "Not synced yet."
    waiting = counted(status.waiting, "change")
    conflicts = f" · {counted(status.conflicts, 'conflict')}" if status.conflicts else ""
    resolve = " Edit ▸ Next conflict to resolve shows them." if status.conflicts else ""
    if state.signed_out:
        return (
            "Signed out by an admin",
            "An admin signed this laptop out of the team: nothing is sent or fetched any more, and every story "
            f"stays here. File ▸ Leave the team…, then join again if they agree. {who}",
        )
    if state.phase == Phase.TOO_OLD:
        return "Update Story Journal to keep syncing", f"{state.problem} Changes made here wait; nothing is lost. {who}"
    if state.phase == Phase.SYNCING:
        step = state.progress.message if state.progress else "Syncing with the team server"
        return "Syncing…", f"{step}. {who}"
    if state.phase == Phase.OFFLINE:
        words = f"{waiting} waiting — offline" if status.waiting else "Offline"
        return (
            words + conflicts,
            f"{state.problem} Changes made here wait and are sent when the server can be reached; there is "
            f"nothing to do. {last}{resolve} {who}",
        )
    if state.phase == Phase.FAILED:
        return "Sync problem" + conflicts, f"{state.problem} {last} {who}"
    if state.phase == Phase.CANCELLED:
        words = f"Sync stopped — {waiting} waiting" if status.waiting else "Sync stopped"
        return words + conflicts, f"Stopped before the end; the next sync carries on, and nothing was lost. {who}"
    if status.waiting:
        return (
            f"{waiting} waiting" + conflicts,
            f"Sent a few seconds after the last change, or now with {SYNC_KEYS_HINT}. {last}{resolve} {who}",
        )
    words = f"Synced {when(status.last_sync)}" if status.last_sync else "Not synced yet"
    return words + conflicts, f"{last}{resolve} {who}"
