"""The application's identity on the desktop: its id (the name of the .desktop and AppStream files) and its icon.

The icon is drawn once, in resources/icons/story-journal.svg; packaging/render_icons.py renders the PNG sizes
into resources/icons/hicolor/, laid out as a freedesktop icon theme so the folder can be installed as it is.
The window takes the PNGs, which need no Qt plugin (an SVG icon would need the svg icon engine).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter

from journal.paths import resources_dir

# Reverse-DNS id: the .desktop file, the AppStream metainfo, the icon name and the Flatpak app id.
APP_ID = "io.github.storyjournal.StoryJournal"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICON_SOURCE_NAME = "story-journal.svg"


def icons_dir(resources: Path | None = None) -> Path:
    return (resources or resources_dir()) / "icons"


def icon_source(resources: Path | None = None) -> Path:
    return icons_dir(resources) / ICON_SOURCE_NAME


def icon_file(size: int, resources: Path | None = None) -> Path:
    """The rendered PNG of one size, where a hicolor icon theme keeps it."""
    return icons_dir(resources) / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def app_icon() -> QIcon:
    """Every rendered size in one QIcon; Qt picks the nearest for the title bar, task bar and About box."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = icon_file(size)
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


def render_icon(size: int, source: Path | None = None) -> QImage:
    """The SVG drawn at `size`×`size` on a transparent background (needs a QGuiApplication)."""
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(source or icon_source()))
    if not renderer.isValid():
        raise ValueError(f"{source or icon_source()} is not a valid SVG image")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)
