"""Bundles at scale: export, read, plan and import of a synthetic journal (default 10,000 stories with 30,000
coverage links), and importing the same bundle again, against a raw baseline measured in the same run: a
copy of the whole journal file with SQLite's backup API (the least any hand-over of the same data costs).
Prints one line per figure and, last, one JSON object.

    .venv/bin/python benchmarks/bundle_bench.py [--stories 10000]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from synthetic import Size, build


def timed(work: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()  # type: ignore[operator]
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=10_000)
    args = parser.parse_args()
    from journal.bundles.export import chosen_ids, export_bundle
    from journal.bundles.merge import apply_import, plan_import
    from journal.bundles.read import read_bundle
    from journal.store.database import open_journal

    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        source_path = folder / "source.journal"
        build(
            source_path,
            size=Size(stories=args.stories, links=args.stories * 3, tags=max(20, args.stories // 50)),
            log=False,
        )

        def raw_copy() -> None:
            with (
                closing(sqlite3.connect(source_path)) as source,
                closing(sqlite3.connect(folder / "copy.journal")) as copy,
            ):
                source.backup(copy)

        baseline, _ = timed(raw_copy)
        source = open_journal(source_path)
        target = open_journal(folder / "target.journal")
        bundle = folder / "all.sjbundle"
        export_s, _ = timed(lambda: export_bundle(source, bundle, chosen_ids(source)))
        read_s, read = timed(lambda: read_bundle(bundle))
        plan_s, plan = timed(lambda: plan_import(target, read))  # type: ignore[arg-type]
        import_s, applied = timed(lambda: apply_import(target, read))  # type: ignore[arg-type]
        again_s, again = timed(lambda: apply_import(target, read_bundle(bundle)))
        source.close()
        target.close()
        figures = {
            "stories": args.stories,
            "bundle_mb": round(bundle.stat().st_size / 2**20, 1),
            "journal_mb": round(source_path.stat().st_size / 2**20, 1),
            "export_s": round(export_s, 2),
            "read_s": round(read_s, 2),
            "plan_s": round(plan_s, 2),
            "import_s": round(import_s, 2),
            "reimport_unchanged_s": round(again_s, 2),
            "raw_backup_copy_s": round(baseline, 3),
            "export_plus_import_vs_raw_copy": round((export_s + read_s + import_s) / baseline, 1),
            "imported": applied.counts(),  # type: ignore[attr-defined]
            "reimported": again.counts(),  # type: ignore[attr-defined]
        }
        del plan
    for key, value in figures.items():
        print(f"{key:>32}: {value}", file=sys.stderr)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
