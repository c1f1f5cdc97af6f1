"""Undoable story operations for the window's QUndoStack."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from journal.ui.services.stories import StoryService


class StoryFocus(QObject):
    """The window's side of undo: save the editor before a command runs, select a story after."""

    about_to_change = Signal()
    select_story = Signal(str)


class NewStoryCommand(QUndoCommand):
    def __init__(self, service: StoryService, focus: StoryFocus) -> None:
        super().__init__("New story")
        self._service = service
        self._focus = focus
        self.story_id: str | None = None

    def redo(self) -> None:
        self._focus.about_to_change.emit()
        if self.story_id is None:
            self.story_id = self._service.create_story()
        else:
            self._service.restore_story(self.story_id)
        self._focus.select_story.emit(self.story_id)

    def undo(self) -> None:
        assert self.story_id is not None
        self._focus.about_to_change.emit()
        self._service.delete_story(self.story_id)


class DeleteStoryCommand(QUndoCommand):
    def __init__(self, service: StoryService, focus: StoryFocus, story_id: str, title: str) -> None:
        super().__init__(f"Delete “{title}”")
        self._service = service
        self._focus = focus
        self._story_id = story_id

    def redo(self) -> None:
        self._focus.about_to_change.emit()
        self._service.delete_story(self._story_id)

    def undo(self) -> None:
        self._focus.about_to_change.emit()
        self._service.restore_story(self._story_id)
        self._focus.select_story.emit(self._story_id)


class SnapshotCommand(QUndoCommand):
    """An operation already done, undone and redone by putting back its before and after snapshots."""

    def __init__(self, text: str, focus: StoryFocus, before: object, after: object, put_back: Callable) -> None:
        super().__init__(text)
        self._focus = focus
        self._before = before
        self._after = after
        self._put_back = put_back
        self._done = True  # the first redo() (push) does nothing: the change has been made

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._focus.about_to_change.emit()
        self._put_back(self._after)

    def undo(self) -> None:
        self._focus.about_to_change.emit()
        self._put_back(self._before)
