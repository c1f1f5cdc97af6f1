"""`journal bundle export | import` end to end: subprocesses on real journal files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bundles.helpers import file_hash
from tests.cli.helpers import one_line_error, run, succeeded, user_env


def test_export_by_tag_then_dry_run_then_import_then_again(tmp_path: Path) -> None:
    env = user_env(tmp_path / "home")
    anna, ben = tmp_path / "anna.journal", tmp_path / "ben.journal"
    for title, tag in (("Refund on Sunday", "billing/refunds"), ("Flowers sent", "kindness")):
        succeeded(run(["--journal", str(anna), "add", "--title", title, "--tag", tag], env=env, cwd=tmp_path))
    succeeded(run(["--journal", str(ben), "add", "--title", "Ben's own"], env=env, cwd=tmp_path))
    bundle = tmp_path / "billing.sjbundle"
    out = succeeded(
        run(["--journal", str(anna), "bundle", "export", str(bundle), "--tag", "billing"], env=env, cwd=tmp_path)
    )
    assert out == f"Wrote 1 stories to {bundle}.\n"
    before = file_hash(ben)
    plan = json.loads(
        succeeded(
            run(["--journal", str(ben), "bundle", "import", str(bundle), "--dry-run", "--json"], env=env, cwd=tmp_path)
        )
    )
    assert (plan["applied"], plan["new"], [s["title"] for s in plan["stories"]]) == (False, 1, ["Refund on Sunday"])
    assert file_hash(ben) == before
    out = succeeded(run(["--journal", str(ben), "bundle", "import", str(bundle)], env=env, cwd=tmp_path))
    assert out.startswith("Imported billing.sjbundle: 1 new, 0 updated, 0 unchanged, 0 conflicts, 0 deletions.")
    again = json.loads(
        succeeded(run(["--journal", str(ben), "bundle", "import", str(bundle), "--json"], env=env, cwd=tmp_path))
    )
    assert (again["new"], again["unchanged"], again["stories"]) == (0, 1, [])
    listed = json.loads(succeeded(run(["--journal", str(ben), "list", "--json"], env=env, cwd=tmp_path)))
    assert sorted((r["title"], tuple(r["tags"])) for r in listed) == [
        ("Ben's own", ()),
        ("Refund on Sunday", ("billing/refunds",)),
    ]


def test_export_refuses_a_missing_folder_and_the_journal_itself(tmp_path: Path) -> None:
    env = user_env(tmp_path / "home")
    journal = tmp_path / "j.journal"
    succeeded(run(["--journal", str(journal), "add", "--title", "One"], env=env, cwd=tmp_path))
    message = one_line_error(
        run(
            ["--journal", str(journal), "bundle", "export", str(tmp_path / "nowhere" / "b.sjbundle")],
            env=env,
            cwd=tmp_path,
        ),
        1,
    )
    assert "does not exist" in message
    message = one_line_error(
        run(["--journal", str(journal), "bundle", "export", str(journal)], env=env, cwd=tmp_path), 1
    )
    assert "overwrite the journal" in message
