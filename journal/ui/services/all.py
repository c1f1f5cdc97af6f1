"""Every service of one open journal, built together by app.py and handed to the window and the features."""

from __future__ import annotations

from dataclasses import dataclass

from journal.ui.services.bundles import BundleService
from journal.ui.services.case_studies import CaseStudyService
from journal.ui.services.conflicts import ConflictService
from journal.ui.services.links import LinkService
from journal.ui.services.radar import RadarService
from journal.ui.services.reach import ReachService
from journal.ui.services.stories import StoryService


@dataclass(frozen=True)
class Services:
    stories: StoryService
    case_studies: CaseStudyService
    reach: ReachService
    links: LinkService
    bundles: BundleService
    conflicts: ConflictService
    radar: RadarService
