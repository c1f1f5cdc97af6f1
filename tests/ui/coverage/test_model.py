"""The coverage table's model, checked by Qt's own model tester; edits are validated before they are saved."""

from __future__ import annotations

from pytestqt.modeltest import ModelTester

from journal.store import stories
from journal.store.database import Journal
from journal.store.models import CoverageLinkBase
from journal.store.stories import StoryCreate
from journal.ui.coverage.model import CoverageModel


def test_coverage_model_passes_the_model_tester_and_validates_edits(
    qtmodeltester: ModelTester, journal: Journal
) -> None:
    with journal.write() as session:
        story = stories.create_story(
            StoryCreate(
                title="x",
                links=[
                    CoverageLinkBase(url="https://a.example/1", title="One"),
                    CoverageLinkBase(url="https://b.example"),
                ],
            ),
            session=session,
        )
    with journal.session() as session:
        links = stories.get_story(story.id, session=session).links
    model = CoverageModel()
    model.set_links(links)
    qtmodeltester.check(model, force_py=True)
    edits: list[tuple[str, dict]] = []
    errors: list[str] = []
    model.link_edited.connect(lambda link_id, changes: edits.append((link_id, changes)))
    model.invalid_input.connect(errors.append)
    assert not model.setData(model.index(0, 0), "javascript:alert(1)")
    assert errors and "https://" in errors[-1]
    assert model.index(0, 0).data() == "https://a.example/1"
    assert not model.setData(model.index(0, 6), "lots")
    assert model.setData(model.index(0, 6), "120")
    assert edits == [(links[0].id, {"comment_count": 120})]
