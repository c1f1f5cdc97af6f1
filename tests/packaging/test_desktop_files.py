"""The desktop integration files agree with the app and with each other; the icon PNGs match their SVG.

Quick checks, run by `make test`. The validators themselves (desktop-file-validate, appstreamcli) run in
`packaging/validate-desktop`, which CI calls.
"""

from __future__ import annotations

import configparser
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

import journal
from journal.ui.shell.icon import (
    APP_ID,
    ICON_SIZES,
    app_icon,
    icon_file,
    icon_source,
    image_difference,
    render_icon,
)

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(RESOURCES / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def metainfo() -> ET.Element:
    return ET.parse(RESOURCES / f"{APP_ID}.metainfo.xml").getroot()


def test_the_desktop_file_starts_the_installed_command_with_the_app_icon() -> None:
    entry = desktop_entry()
    command = entry["Exec"].split()[0]
    assert command in pyproject()["project"]["scripts"], "Exec must be the command the package installs"
    assert entry["TryExec"] == command
    assert entry["Icon"] == APP_ID
    assert entry["Name"] == journal.APP_NAME


def test_the_metainfo_describes_this_app_and_this_version() -> None:
    root = metainfo()
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == journal.APP_NAME
    assert root.findtext("project_license") == pyproject()["project"]["license"]
    assert root.findtext("launchable[@type='desktop-id']") == f"{APP_ID}.desktop"
    assert root.findtext("provides/binary") == desktop_entry()["Exec"].split()[0]
    releases = [release.get("version") for release in root.iterfind("releases/release")]
    assert releases and releases[0] == journal.__version__, "add a <release> for the new version, newest first"


def test_every_screenshot_url_names_a_screenshot_in_the_repository() -> None:
    urls = [image.text or "" for image in metainfo().iterfind("screenshots/screenshot/image")]
    assert len(urls) == 3
    for url in urls:
        assert url.startswith("https://")
        relative = url.split("/main/", 1)[1]
        assert (ROOT / relative).is_file(), f"{url} points at a file the repository does not have"


@pytest.mark.parametrize("size", ICON_SIZES)
def test_each_icon_png_is_a_fresh_render_of_the_svg(qapp: QApplication, size: int) -> None:
    committed = QImage(str(icon_file(size)))
    assert committed.width() == committed.height() == size
    difference = image_difference(committed, render_icon(size, icon_source()))
    assert difference.same_picture, f"{difference}: run packaging/render_icons.py and commit the PNGs"


def _edited_svg(tmp_path: Path, old: str, new: str) -> Path:
    source = icon_source().read_text(encoding="utf-8")
    assert source.count(old) == 1, f"the icon's SVG no longer holds {old!r}: update this test"
    edited = tmp_path / "edited.svg"
    edited.write_text(source.replace(old, new), encoding="utf-8")
    return edited


# One shape changed at a time: the heart recoloured, the heart moved 4 units (of 128) right, one handwritten line
# moved 4 units down. Each is a small real change; the comparison must still call it a different picture (measured
# here: 1.5–7 % of the pixels differ, against 0.5 % allowed). At 16 pixels a line moved by a quarter of a pixel
# really does look the same, so that one edit starts at 32.
EDITS = {
    "heart recoloured": ('fill="#ffffff"/>', 'fill="#ffd23f"/>', 16),
    "heart moved": ('<path d="M93 50 C80 41', '<path transform="translate(4 0)" d="M93 50 C80 41', 16),
    "line moved": ('<path d="M22 84 Q38 79 54 84"/>', '<path d="M22 88 Q38 83 54 88"/>', 32),
}


@pytest.mark.parametrize(
    ("edit", "size"),
    [(edit, size) for edit, (*_, smallest) in EDITS.items() for size in ICON_SIZES if size >= smallest],
)
def test_a_changed_shape_is_not_taken_for_a_fresh_render(
    qapp: QApplication, tmp_path: Path, edit: str, size: int
) -> None:
    old, new, _smallest = EDITS[edit]
    changed = render_icon(size, _edited_svg(tmp_path, old, new))
    difference = image_difference(QImage(str(icon_file(size))), changed)
    assert not difference.same_picture, f"{edit} at {size}px passed as the same picture: {difference}"


def test_the_comparison_ignores_what_another_processor_renders_differently(qapp: QApplication) -> None:
    """A few pixels off by a few levels (what SSE and AVX blending paths make) is the same picture."""
    fresh = render_icon(256, icon_source())
    nudged = fresh.copy()
    for x, y in [(10, 10), (128, 40), (200, 220)]:
        colour = nudged.pixelColor(x, y)
        colour.setAlpha(max(0, colour.alpha() - 3))
        nudged.setPixelColor(x, y, colour)
    difference = image_difference(fresh, nudged)
    assert difference.largest_channel_delta == 3
    assert difference.same_picture


def test_the_window_icon_has_every_size(qapp: QApplication) -> None:
    sizes = {(size.width(), size.height()) for size in app_icon().availableSizes()}
    assert sizes == {(size, size) for size in ICON_SIZES}
