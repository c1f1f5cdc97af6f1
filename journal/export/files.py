"""Writing exports to disk so that a crash or a full disk never leaves half a file where a good one was:
each file is written to a temporary name beside it, flushed to the disk, then renamed over the old one."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from journal.export.collect import hidden_names
from journal.export.front_matter import GENERATOR, front_matter
from journal.export.markdown import case_study_export
from journal.export.privacy import Finding, LeftOut, name_findings
from journal.export.text import escape_block, escape_inline
from journal.privacy.names import NameMatcher
from journal.store import case_studies
from journal.store.errors import JournalError
from journal.words import counted


class ExportWriteError(JournalError):
    """The export could not be written; the message says where and why. No old file was harmed."""

    def __init__(self, message: str) -> None:
        super().__init__(Path(), message)


def atomic_write(path: Path, text: str) -> None:
    path = Path(path)
    data = text.encode("utf-8")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise ExportWriteError(
            f"Cannot write in {path.parent}: {error.strerror or error}. Choose another folder."
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise ExportWriteError(
                f"Could not write {path}: {error.strerror or error}. "
                "Nothing was changed there; free some space or choose another place, then export again."
            ) from None
        raise
    with contextlib.suppress(OSError):  # the rename itself reaches the disk
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def slug(title: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:60].strip("-") or "case-study"


@dataclass
class SiteReport:
    folder: Path
    files: list[Path] = field(default_factory=list)
    left_out: list[tuple[str, LeftOut]] = field(default_factory=list)  # (case study title, story)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class SitePlan:
    """Every file of a site export, made but not written yet: the person sees the findings first."""

    files: dict[str, str] = field(default_factory=dict)  # relative path ("archive/x.md") -> text
    left_out: list[tuple[str, LeftOut]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    studies: int = 0


HOME_TITLE = "Case studies"


def plan_site(*, session: Session, include_unapproved: bool = False) -> SitePlan:
    """Every case study, laid out so that Hugo, MkDocs and Jekyll each build the folder as it is:

    - `_index.md`: the home page for Hugo (a section list; Jekyll skips `_` files);
    - `README.md`: the same home page for MkDocs (its index when there is no index.md) and Jekyll
      (`permalink: /`); Hugo is told not to render or list it (`_build`);
    - `<slug>.md`: one per case study (`permalink: /<slug>/`, which is where Hugo and MkDocs put it too);
    - `archive/<link>.md`: the archived text of coverage that is gone (`/archive/<link>/`).

    Links between them are relative folder addresses (`<slug>/`, `../archive/<link>/`), which all three
    publish. Every hidden customer of any case study is hidden in every file, and every file (its name
    too) is checked for what still names one."""
    plan = SitePlan()
    studies = case_studies.list_case_studies(session=session)
    plan.studies = len(studies)
    every_story = [entry.story_id for s in studies for entry in case_studies.entries(s.id, session=session)]
    names = NameMatcher(hidden_names(every_story, session=session))
    used: set[str] = {"index", "readme", "archive", "tags", "categories"}
    index_lines: list[str] = []
    archived: dict[str, tuple[str, str, str]] = {}
    for summary in studies:
        name = slug(names(summary.title))  # the title as published
        base, number = name, 2
        while name in used:
            name, number = f"{base}-{number}", number + 1
        used.add(name)
        export = case_study_export(
            summary.id, session=session, include_unapproved=include_unapproved, names=names, site_page=name
        )
        plan.files[f"{name}.md"] = export.markdown
        plan.left_out += [(export.title, item) for item in export.left_out]
        plan.findings += export.findings
        plan.notes += export.notes
        for story in export.stories:
            for link in story.links:
                if link.gone and link.archived_text:
                    archived[link.id] = (link.title or link.url, link.url, link.archived_text)
        count = len(export.stories)
        for_whom = f" — for {escape_inline(export.audience)}" if export.audience else ""
        index_lines.append(
            f"- [{escape_inline(export.title)}]({name}/){for_whom} ({counted(count, 'story', 'stories')})"
        )
    for link_id, (title, url, text) in sorted(archived.items()):
        plan.files[f"archive/{link_id}.md"] = (
            front_matter(
                {
                    "title": f"Archived: {title}",
                    "source": url,
                    "permalink": f"/archive/{link_id}/",
                    "generator": GENERATOR,
                }
            )
            + f"\n*Archived copy of {escape_inline(url)}, which is no longer online.*\n\n"
            + escape_block(text)
            + "\n"
        )
    body = "\n" + ("\n".join(index_lines) if index_lines else "*No case studies yet.*") + "\n"
    home: dict[str, object] = {"title": HOME_TITLE, "generator": GENERATOR}
    plan.files = {
        "_index.md": front_matter(home) + body,
        "README.md": front_matter({**home, "permalink": "/", "_build": {"render": "never", "list": "never"}}) + body,
        **plan.files,
    }
    for path, text in plan.files.items():
        if path.startswith("archive/") or path in {"_index.md", "README.md"}:  # case studies were checked
            plan.findings += name_findings(path, "the file", text, names)
        plan.findings += name_findings(path, "the file's name", path, names)
    return plan


def write_site(plan: SitePlan, folder: Path) -> SiteReport:
    """Write a planned site into `folder`, each file atomically."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportWriteError(f"Cannot make the folder {folder}: {error.strerror or error}.") from None
    report = SiteReport(folder, left_out=plan.left_out, findings=plan.findings, notes=plan.notes)
    for relative, text in plan.files.items():
        path = folder / relative
        if path.parent != folder:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ExportWriteError(f"Cannot make the folder {path.parent}: {error.strerror or error}.") from None
        atomic_write(path, text)
        report.files.append(path)
    return report


def export_site(folder: Path, *, session: Session, include_unapproved: bool = False) -> SiteReport:
    """Plan the site and write it (see `plan_site`); the caller has decided about the findings."""
    return write_site(plan_site(session=session, include_unapproved=include_unapproved), folder)
