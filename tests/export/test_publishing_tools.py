"""The exports with the real publishing tools: Hugo (`hugo --panicOnWarning`), MkDocs (`mkdocs build
--strict`), Jekyll (`jekyll build`) each build the site folder as it is, with no warning, every case study
published and linked from the home page, the archived copies linked from their case study; Pandoc converts
every export with `--fail-if-warnings`, and a standalone document shows its title once.

The journal is the export corpus plus a story of awkward text (a typed code fence, a web address followed
by `">`, a table, an HTML comment, lines that look like front matter, a definition list, a footnote,
strikethrough): every built page shows that text as text (no literal `&lt;`, `&#96;` or `&#124;`, no table,
code, definition list or footnote made from it).

Hugo, Pandoc and Jekyll come from Debian (`.ci/run` installs them). Where one is missing a test is skipped
with the package to install, except under CI (the CI variable set), where a missing tool fails the test.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from journal.export.files import export_site
from journal.export.front_matter import split_front_matter
from journal.export.markdown import case_study_export, story_export
from journal.store.case_studies import add_stories
from journal.store.models import Story
from tests.export.corpus import CASE_STUDY_ID, T0, build, lid, sid

AWKWARD = sid(9)
AWKWARD_TEXT = (
    "Her reply:\n"
    "```python\n"
    "print('hi')\n"
    "```\n"
    'See https://y.example/"> and <a href="https://x.example/">here</a> <!-- a comment -->\n'
    "\n"
    "foo | bar\n"
    "--- | ---\n"
    "a | b\n"
    "\n"
    "---\n"
    "title: not front matter\n"
    "---\n"
    "\n"
    "term\n"
    ": not a definition\n"
    "\n"
    "~~not struck~~ and a [^1] note, and www.z.example too.\n"
)
AWKWARD_TITLE = 'Awkward `text` | "quotes" <b>not bold</b>'


def tool(name: str, package: str) -> str:
    """The tool's path; skipped when missing (failed under CI, which installs it)."""
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if found:
        return found
    message = f"`{name}` is not installed: apt-get install {package}" if package != "mkdocs" else "pip install mkdocs"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (.ci/run installs it; CI must run this test)")
    pytest.skip(message)


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    return result


@dataclass
class Site:
    folder: Path  # what `journal export-site` wrote
    studies: dict[str, str]  # slug -> title of each case study
    archived: list[str]  # link ids with an archived page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("publish")
    journal = build(root / "c.journal")
    with journal.write() as session:
        session.add(
            Story(
                id=AWKWARD,
                title=AWKWARD_TITLE,
                organization="Acme | Co",
                situation=AWKWARD_TEXT,
                outcome="It worked ~ mostly. Cost: 5 < 6 > 4 & <3.",
                consent="named",
                customer_name="Pat Lee",
                status="approved",
                created_at=T0,
                updated_at=T0,
            )
        )
        session.flush()
        add_stories(CASE_STUDY_ID, [AWKWARD], session=session)
    with journal.session() as session:
        export_site(root / "site", session=session)
        for name, export in {
            "study": case_study_export(CASE_STUDY_ID, session=session),
            "story": story_export(sid(1), session=session),
            "awkward": story_export(AWKWARD, session=session),
        }.items():
            (root / "single").mkdir(exist_ok=True)
            (root / "single" / f"{name}.md").write_text(export.markdown, encoding="utf-8")
            (root / "single" / f"{name}.html").write_text(export.page(), encoding="utf-8")
    journal.close()
    yield Site(root / "site", {"going-beyond-policy": "Going beyond policy", "empty-one": "Empty one"}, [lid(2)])


class Page(HTMLParser):
    """The links and the visible text of a built page, and which elements it has."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in {"a", "em", "strong", "code", "span", "abbr", "b", "i", "sup"}:
            self.text.append(" ")  # a block (or a line break) starts
        if tag in {"script", "style", "head"}:
            self._skip += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head"}:
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    @property
    def visible(self) -> str:
        # Hugo and Jekyll set quotes and dashes typographically by default; that is theirs, not ours.
        text = " ".join("".join(self.text).split())
        return text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "--", "—": "---"}))


def page_at(built: Path, url_path: str) -> Path:
    """The file a web server gives for this path of the built site."""
    path = built / url_path.strip("/")
    return path / "index.html" if not path.suffix else path


def check_built(built: Path, site: Site, home: str = "index.html") -> None:
    """Every case study is published and linked from the home page; each archived copy is published and
    linked from its case study; the awkward story reads as typed."""
    front = Page((built / home).read_text(encoding="utf-8"))
    linked = {urlsplit(urljoin("/", href)).path for href in front.links if not urlsplit(href).scheme}
    for slug, title in site.studies.items():
        assert f"/{slug}/" in linked, (slug, front.links)
        assert title in front.visible
        assert page_at(built, f"/{slug}/").is_file(), slug
    study = page_at(built, "/going-beyond-policy/").read_text(encoding="utf-8")
    page = Page(study)
    for link_id in site.archived:
        target = {urlsplit(urljoin("/going-beyond-policy/", href)).path for href in page.links}
        assert f"/archive/{link_id}/" in target, page.links
        assert page_at(built, f"/archive/{link_id}/").is_file()
    check_awkward(study)


def check_awkward(built_page: str, *, title: bool = True) -> None:
    """The awkward story's part of a built page (from its title to its outcome) shows what was typed
    (its title too, unless the title came from front matter that the tool reads as Markdown: Pandoc)."""
    page = Page(built_page[built_page.index("Awkward") : built_page.index("mostly.")])
    text = page.visible
    for literal in ("&lt;", "&gt;", "&#96;", "&#124;", "&#126;", "&amp;", "&#58;", "&#35;", "&#45;"):
        assert literal not in text, (literal, text)
    for typed in (
        "```python",
        "print('hi')",
        'See https://y.example/"> and <a href="https://x.example/">here</a> <!-- a comment -->',
        "foo | bar",
        "a | b",
        "title: not front matter",
        ": not a definition",
        "~~not struck~~ and a [^1] note, and www.z.example too.",
        *([AWKWARD_TITLE] if title else []),
        "Acme | Co",
    ):
        assert typed in text, (typed, text)
    assert "It worked ~" in text
    for made_from_text in ("table", "dl", "del", "s", "pre", "sup", *(["code", "b"] if title else [])):
        assert made_from_text not in page.tags, (made_from_text, page.tags)
    assert "https://y.example/" in page.links  # the address alone, not `https://y.example/%22%3E`


def test_hugo_builds_the_folder_as_it_is(site: Site, tmp_path: Path) -> None:
    hugo = tool("hugo", "hugo")
    (tmp_path / "hugo.toml").write_text(
        f'baseURL = "http://example.org/"\ntitle = "Stories"\ncontentDir = "{site.folder}"\n', encoding="utf-8"
    )
    layouts = tmp_path / "layouts" / "_default"
    layouts.mkdir(parents=True)  # the smallest theme: a page shows its title and content
    shell = "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>%s</body></html>"
    (layouts / "single.html").write_text(shell % "{{ .Content }}", encoding="utf-8")
    (layouts / "list.html").write_text(shell % "{{ .Content }}", encoding="utf-8")
    result = run([hugo, "--panicOnWarning", "--printPathWarnings", "--destination", "public"], tmp_path)
    assert "WARN" not in result.stdout + result.stderr
    built = tmp_path / "public"
    check_built(built, site)
    assert not (built / "readme").exists()  # README.md is MkDocs' and Jekyll's home, not a Hugo page


def test_mkdocs_builds_the_folder_strictly(site: Site, tmp_path: Path) -> None:
    mkdocs = tool("mkdocs", "mkdocs")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: Stories\ndocs_dir: {site.folder}\nsite_dir: {tmp_path / 'built'}\n", encoding="utf-8"
    )
    result = run([mkdocs, "build", "--strict"], tmp_path)
    assert "WARNING" not in result.stderr, result.stderr
    check_built(tmp_path / "built", site)


def test_jekyll_builds_the_folder_as_it_is(site: Site, tmp_path: Path) -> None:
    jekyll = tool("jekyll", "jekyll")
    result = run([jekyll, "build", "--source", str(site.folder), "--destination", str(tmp_path / "built")], tmp_path)
    assert "warn" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    check_built(tmp_path / "built", site)


def test_pandoc_converts_every_export_without_warnings(site: Site, tmp_path: Path) -> None:
    pandoc = tool("pandoc", "pandoc")
    root = site.folder.parent
    documents = sorted([*site.folder.rglob("*.md"), *(root / "single").glob("*.md")])
    pages = sorted((root / "single").glob("*.html"))
    assert len(documents) >= 8 and len(pages) == 3
    for source in documents:
        out = tmp_path / f"{source.stem}.html"
        run(
            [pandoc, "--fail-if-warnings", "--standalone", "-f", "markdown", "-t", "html", str(source), "-o", str(out)],
            tmp_path,
        )
        converted = out.read_text(encoding="utf-8")
        title = str(split_front_matter(source.read_text(encoding="utf-8"))[0]["title"])
        headings = re.findall(r"<h1[^>]*>(.*?)</h1>", converted, re.S)
        assert len(headings) == 1 and 'class="title"' in converted, (source, headings)  # once, from the front matter
        if "`" not in title and "<" not in title:  # Pandoc reads a front-matter title as Markdown
            shown = " ".join(html.unescape(headings[0]).replace("’", "'").split())  # Pandoc's smart quotes
            assert shown == title, (source, headings)
    for page in pages:
        run(
            [pandoc, "--fail-if-warnings", "-f", "html", "-t", "markdown", str(page), "-o", str(tmp_path / "p.md")],
            tmp_path,
        )
    check_awkward((tmp_path / "awkward.html").read_text(encoding="utf-8"), title=False)
