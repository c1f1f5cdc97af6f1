"""Render the application icon's PNG sizes from its SVG source.

    .venv/bin/python packaging/render_icons.py          # writes resources/icons/hicolor/<N>x<N>/apps/<id>.png
    .venv/bin/python packaging/render_icons.py --check  # exit 1 if a committed PNG is not a fresh render

Run it after editing resources/icons/story-journal.svg and commit the PNGs with the SVG; the test suite
checks that they match (tests/packaging/test_desktop_files.py), with the tolerance journal.ui.icon explains:
another processor renders a few edge pixels differently, which is not a change of the picture.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication, QImage  # noqa: E402

from journal.ui.shell.icon import ICON_SIZES, icon_file, image_difference, render_icon  # noqa: E402

RESOURCES = ROOT / "resources"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed PNGs, write nothing")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    stale = []
    for size in ICON_SIZES:
        image = render_icon(size)
        target = icon_file(size, RESOURCES)
        if args.check:
            difference = image_difference(QImage(str(target)), image)
            if not difference.same_picture:
                stale.append(target)
                print(f"{target.relative_to(ROOT)}: {difference}", file=sys.stderr)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            print(f"could not write {target}", file=sys.stderr)
            return 1
        print(f"{target.relative_to(ROOT)}  {size}×{size}  {target.stat().st_size} bytes")
    for target in stale:
        print(f"out of date: {target.relative_to(ROOT)} (run packaging/render_icons.py)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
