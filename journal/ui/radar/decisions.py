"""What a person decides about a row of the radar's inbox: link it, dismiss it, suggest another story, make a
new story of it, or take a decision back. Each is made at once through the RadarService (so a refusal is said
and nothing is pushed), then pushed on the radar window's QUndoStack, and its row leaves the view at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtGui import QKeySequence, QUndoStack

from journal.radar.inbox import Linked
from journal.radar.text import bounded
from journal.ui.radar.commands import REFUSALS, DecisionCommand, refusal
from journal.ui.radar.inbox_model import ENTRY, SUGGESTION, InboxModel, InboxRow
from journal.ui.shell.seam import Shell

T = TypeVar("T")


@dataclass(frozen=True)
class Decided(Generic[T]):
    done: bool
    result: T | None = None


def short(title: str) -> str:
    return bounded(title, 60)


def show_in_main_window(shell: Shell, story_id: str) -> bool:
    """Open the story in the main window's editor and bring that window forward; False when the story list's
    search or filters hide it."""
    if not shell.show_story(story_id):
        return False
    shell.widget.raise_()
    shell.widget.activateWindow()
    return True


class Decisions:
    def __init__(self, shell: Shell, undo_stack: QUndoStack, model: InboxModel, say: Callable[[str], None]) -> None:
        self.shell = shell
        self.service = shell.services.radar
        self.undo_stack = undo_stack
        self.model = model
        self.say = say

    def can_decide(self, row: InboxRow) -> bool:
        """A suggestion waiting for a decision, in a journal that can be written."""
        return not self.service.read_only and row.kind == SUGGESTION and row.state == "new"

    def _decide(self, text: str, row: InboxRow, do: Callable[[], T], undo: Callable[[], object]) -> Decided[T]:
        try:
            result = do()
        except REFUSALS as error:
            self.say(refusal(error))
            return Decided(False)
        self.undo_stack.push(DecisionCommand(text, do, undo, self.say))
        self.model.take(row.id)
        return Decided(True, result)

    def link(self, row: InboxRow) -> Linked | None:
        """Enter: the post becomes a coverage link of the suggested story."""
        if not self.can_decide(row):
            return None
        service = self.service
        linked = self._decide(
            f"Link “{short(row.title)}”", row, lambda: service.link(row.id), lambda: service.reopen(row.id)
        ).result
        if linked is not None:
            self.say(
                f"“{row.story_title}” already has this link."
                if linked.already
                else f"Linked to “{row.story_title}”; its page is fetched and saved in the background."
            )
        return linked

    def dismiss(self, row: InboxRow) -> bool:
        """Delete: never suggested again."""
        if not self.can_decide(row):
            return False
        service = self.service
        text = f"Dismiss “{short(row.title)}”"
        done = self._decide(text, row, lambda: service.dismiss(row.id), lambda: service.reopen(row.id)).done
        if done:
            undo = QKeySequence(QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText)
            self.say(f"Dismissed “{short(row.title)}”: it is not suggested again. Undo with {undo}.")
        return done

    def choose(self, row: InboxRow, story_id: str) -> bool:
        """Suggest `story_id` for the post instead (it stays in the inbox, to be linked)."""
        if not self.can_decide(row) or story_id == row.story_id:
            return False
        service, previous = self.service, row.story_id
        try:
            service.choose_story(row.id, story_id)
        except REFUSALS as error:
            self.say(refusal(error))
            return False
        self.undo_stack.push(
            DecisionCommand(
                f"Another story for “{short(row.title)}”",
                lambda: service.choose_story(row.id, story_id),
                lambda: service.choose_story(row.id, previous),
                self.say,
            )
        )
        self.say(f"Now suggested for “{service.suggestion(row.id).story_title}”. Enter links it.")
        return True

    def new_story(self, row: InboxRow) -> str | None:
        """A draft story of the post (a suggestion waiting, or an entry about no story), opened in the main
        window's editor. Returns its id."""
        if self.service.read_only or not (row.kind == ENTRY or row.state == "new"):
            return None
        service, shell = self.service, self.shell
        kind = "entry" if row.kind == ENTRY else "suggestion"
        made: list[Linked] = []  # the draft, and the suggestion it is recorded on (an entry gets one), for undo

        def make() -> Linked:
            made[:] = [service.new_story(row.id, kind)]
            return made[0]

        def take_back() -> None:
            shell.save_story()  # the draft may be open in the editor, with an edit not saved yet
            service.reopen(made[0].suggestion_id)

        linked = self._decide(f"New story from “{short(row.title)}”", row, make, take_back).result
        if linked is None:
            return None
        where = (
            "it is open in the main window"
            if show_in_main_window(shell, linked.story_id)
            else "the story list's search or filters hide it"
        )
        self.say(f"Made the draft story “{short(row.title)}”; {where}.")
        return linked.story_id

    def reopen(self, row: InboxRow) -> bool:
        """Take back: a linked or dismissed post is new again (the link it made is removed, a draft binned)."""
        if self.service.read_only or row.kind != SUGGESTION or row.state == "new":
            return False
        service = self.service
        redo: Callable[[], object] = lambda: service.dismiss(row.id)  # noqa: E731
        if row.state == "linked":
            story_id = row.linked_story_id if not row.drafted else None
            redo = (lambda: service.link(row.id, story_id)) if story_id else (lambda: service.new_story(row.id))
        done = self._decide(f"Take back “{short(row.title)}”", row, lambda: service.reopen(row.id), redo).done
        if done:
            self.say(f"“{short(row.title)}” is back in the inbox.")
        return done
