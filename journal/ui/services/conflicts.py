"""The window's way to the conflicts a bundle left: which stories have one, each story's, and resolving one
(a person's choice, field by field). The conflict readers are imported when first used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journal.ui.services.stories import StoryService

if TYPE_CHECKING:
    from journal.bundles.conflicts import Conflict


class ConflictService:
    def __init__(self, stories: StoryService) -> None:
        self.stories = stories
        self._journal = stories.journal

    def conflicted(self) -> list[str]:
        """The ids of the stories with a conflict to resolve, in id order."""
        from journal.bundles.conflicts import conflicted_ids

        with self._journal.session() as session:
            return sorted(conflicted_ids(session))

    def of_story(self, story_id: str) -> list[Conflict]:
        from journal.bundles.conflicts import conflicts_of

        with self._journal.session() as session:
            return conflicts_of(session, story_id)

    def resolve(self, conflict: Conflict, choices: dict[str, str]) -> None:
        """Keep, per field, mine or theirs (or for a deletion, the story or not), in one transaction."""
        from journal.bundles.conflicts import THEIRS, resolve

        with self._journal.write() as session:
            resolve(session, conflict.id, choices)
        if choices.get("story") == THEIRS:  # the story is deleted
            self.stories.stories_written()
        else:
            self.stories.story_written(conflict.story_id, tags=True)
