"""What the status bar says about the team sync, in every state (no server needed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from journal.sync.engine import Progress, TeamStatus
from journal.ui.services.team import Phase, SyncState
from journal.ui.team.wording import describe, when

NOON = dt.datetime(2026, 11, 30, 12, 4, tzinfo=dt.UTC)


def joined(**changes: Any) -> TeamStatus:
    status = TeamStatus(True, "https://journal.example.com", "anna@example.com", "rep", "Support", last_sync=NOON)
    return replace(status, **changes)


def test_not_in_a_team_says_nothing() -> None:
    assert describe(SyncState()) == ("", "")
    assert describe(SyncState(TeamStatus(joined=False), Phase.IDLE)) == ("", "")


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (SyncState(joined(), Phase.IDLE), f"Synced {when(NOON)}"),
        (SyncState(joined(last_sync=None), Phase.IDLE), "Not synced yet"),
        (SyncState(joined(waiting=3), Phase.IDLE), "3 changes waiting"),
        (SyncState(joined(conflicts=1), Phase.IDLE), f"Synced {when(NOON)} · 1 conflict"),
        (
            SyncState(joined(waiting=3), Phase.OFFLINE, "The team server cannot be reached."),
            "3 changes waiting — offline",
        ),
        (SyncState(joined(waiting=1), Phase.OFFLINE), "1 change waiting — offline"),
        (SyncState(joined(), Phase.OFFLINE), "Offline"),
        (SyncState(joined(), Phase.SYNCING, progress=Progress("push", 0, 3, "Sending 3 changes…")), "Syncing…"),
        (SyncState(joined(revoked=True), Phase.IDLE), "Signed out by an admin"),
        (SyncState(joined(), Phase.REVOKED, "An admin signed this laptop out."), "Signed out by an admin"),
        (SyncState(joined(), Phase.TOO_OLD, "The server speaks protocol 2."), "Update Story Journal to keep syncing"),
        (SyncState(joined(), Phase.FAILED, "The server refused a page."), "Sync problem"),
        (SyncState(joined(waiting=250), Phase.CANCELLED), "Sync stopped — 250 changes waiting"),
    ],
)
def test_each_state_in_a_few_words(state: SyncState, words: str) -> None:
    said, tooltip = describe(state)
    assert said == words
    assert "Team Support at https://journal.example.com, signed in as anna@example.com (rep)." in tooltip
    if state.phase != Phase.REVOKED:  # signed out: one sentence of its own, saying what to do
        assert state.problem in tooltip


def test_the_tooltip_says_what_to_do() -> None:
    assert "nothing to do" in describe(SyncState(joined(waiting=2), Phase.OFFLINE, "Unreachable."))[1]
    assert "Leave the team" in describe(SyncState(joined(revoked=True), Phase.IDLE))[1]
    assert "Next conflict to resolve" in describe(SyncState(joined(conflicts=2), Phase.IDLE))[1]
    assert (
        "Sending 3 changes…"
        in describe(SyncState(joined(), Phase.SYNCING, progress=Progress("push", 0, 3, "Sending 3 changes…")))[1]
    )


def test_a_time_today_is_the_hour_another_day_the_date() -> None:
    local = NOON.astimezone()
    assert when(NOON, today=local.date()) == local.strftime("%H:%M")
    assert when(NOON, today=local.date() + dt.timedelta(days=1)) == local.strftime("%Y-%m-%d %H:%M")
