"""The application's identity on the desktop: its id (the name of the .desktop and AppStream files) and its icon.

The icon is drawn once, in resources/icons/story-journal.svg; packaging/render_icons.py renders the PNG sizes
into resources/icons/hicolor/, laid out as a freedesktop icon theme so the folder can be installed as it is.
The window takes the PNGs, which need no Qt plugin (an SVG icon would need the svg icon engine).
"""

from __future__ import annotations

from dataclasses import dataclass
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


# Qt's raster engine blends and antialiases through SSE4/AVX2/AVX-512 paths chosen by the processor, so the same
# SVG renders a few edge pixels differently from one machine to the next (seen: one channel off by 1 on 1–2
# pixels). A pixel counts as different only past CHANNEL_TOLERANCE on some channel, and a render matches while
# no more than MAX_DIFFERING_SHARE of its pixels differ. Moving or recolouring any shape of the icon changes far
# more (tests/packaging/test_desktop_files.py proves both sides).
CHANNEL_TOLERANCE = 24
MAX_DIFFERING_SHARE = 0.005


@dataclass(frozen=True)
class ImageDifference:
    """How far apart two renders of the same size are."""

    differing_pixels: int
    pixels: int
    largest_channel_delta: int

    @property
    def share(self) -> float:
        return self.differing_pixels / self.pixels if self.pixels else 0.0

    @property
    def same_picture(self) -> bool:
        """True when the difference is what another processor's rendering paths make, not a change of the picture."""
        return self.share <= MAX_DIFFERING_SHARE

    def __str__(self) -> str:
        return (
            f"{self.differing_pixels} of {self.pixels} pixels ({self.share:.2%}) differ by more than "
            f"{CHANNEL_TOLERANCE}/255; the largest difference on one channel is {self.largest_channel_delta}"
        )


def image_difference(first: QImage, second: QImage) -> ImageDifference:
    """Compare two images channel by channel (ARGB, not premultiplied); sizes must be equal."""
    if first.size() != second.size():
        raise ValueError(f"sizes differ: {first.width()}×{first.height()} and {second.width()}×{second.height()}")
    fmt = QImage.Format.Format_ARGB32
    a = bytes(first.convertToFormat(fmt).constBits())
    b = bytes(second.convertToFormat(fmt).constBits())
    differing = 0
    largest = 0
    if a != b:
        for offset in range(0, len(a), 4):
            if a[offset : offset + 4] == b[offset : offset + 4]:
                continue
            delta = max(abs(x - y) for x, y in zip(a[offset : offset + 4], b[offset : offset + 4], strict=True))
            largest = max(largest, delta)
            if delta > CHANNEL_TOLERANCE:
                differing += 1
    return ImageDifference(differing, first.width() * first.height(), largest)
