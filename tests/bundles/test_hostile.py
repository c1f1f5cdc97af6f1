"""Hostile and broken bundles are refused by `journal bundle import` with one plain line, exit status 1,
and the journal file is byte for byte what it was."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from journal.bundles import format as fmt
from tests.bundles.helpers import file_hash
from tests.cli.helpers import one_line_error, run, succeeded, user_env


def good_document(journal: Path, tmp_path: Path, env: dict[str, str]) -> dict[str, Any]:
    bundle = tmp_path / "good.sjbundle"
    succeeded(run(["--journal", str(journal), "bundle", "export", str(bundle)], env=env, cwd=tmp_path))
    with zipfile.ZipFile(bundle) as archive:
        return dict(json.loads(archive.read(fmt.DOCUMENT)))


def zipped(
    path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]], compression: int = zipfile.ZIP_DEFLATED
) -> None:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)


def with_document(document: Any, *extra: tuple[str | zipfile.ZipInfo, bytes]) -> Callable[[Path], None]:
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return lambda path: zipped(path, [(fmt.DOCUMENT, raw), *extra])


def symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("snapshots/link.txt")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def too_many(path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(fmt.DOCUMENT, b"{}")
        for number in range(fmt.MAX_ENTRIES):
            archive.writestr(f"e{number}", b"")


def huge_string(path: Path) -> None:
    document = b'{"format": "story-journal-bundle", "version": 1, "x": "' + b"a" * (100 * 1024 * 1024) + b'"}'
    zipped(path, [(fmt.DOCUMENT, document)], compression=zipfile.ZIP_STORED)


def bomb(path: Path) -> None:
    zipped(path, [(fmt.DOCUMENT, b" " * (200 * 1024 * 1024))])


def mutate(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def apply(document: dict[str, Any]) -> dict[str, Any]:
        copy = json.loads(json.dumps(document))
        change(copy)
        return dict(copy)

    return apply


def duplicate_story(document: dict[str, Any]) -> None:
    document["stories"].append(document["stories"][0])


def duplicate_link(document: dict[str, Any]) -> None:
    story = json.loads(json.dumps(document["stories"][0]))
    story["id"] = "00000000-0000-4000-8000-000000000001"
    document["stories"].append(story)


# (case, how to make the file: from a path, or from the good document, expected words in the error)
CASES: list[tuple[str, Any, str]] = [
    ("parent path", with_document({}, ("../evil.txt", b"x")), "unsafe path"),
    ("nested parent path", with_document({}, ("snapshots/../../evil.txt", b"x")), "unsafe path"),
    ("absolute path", with_document({}, ("/etc/evil", b"x")), "unsafe path"),
    ("drive path", with_document({}, ("C:/evil.txt", b"x")), "unsafe path"),
    ("backslash path", with_document({}, ("..\\evil.txt", b"x")), "unsafe path"),
    ("symlink", with_document({}, (symlink_entry(), b"/etc/passwd")), "symbolic link"),
    ("unexpected entry", with_document({}, ("run.sh", b"x")), "unexpected entry"),
    ("too many entries", too_many, "entries"),
    ("compression bomb", bomb, "compression bomb"),
    ("deep nesting", with_document(b"[" * 100_000 + b"]" * 100_000), "nested too deeply"),
    ("huge string", huge_string, "characters long"),
    ("not a zip", lambda path: path.write_bytes(b"PK\x03\x04 not really"), "not a Story Journal bundle"),
    ("empty file", lambda path: path.write_bytes(b""), "not a Story Journal bundle"),
    ("no document", lambda path: zipped(path, [("other.json", b"{}")]), "unexpected entry"),
    ("invalid JSON", with_document(b'{"format": '), "not valid JSON"),
    ("NaN", with_document(b'{"format": "story-journal-bundle", "version": NaN}'), "not a number JSON allows"),
    (
        "5,000 digits",
        lambda d: json.dumps(d).replace('"version": 1', '"version": ' + "9" * 5000, 1).encode(),
        "more than 4,000 digits",
    ),
    (
        "5,000-digit cost",
        lambda d: json.dumps(d).replace('"cost_cents": null', '"cost_cents": ' + "1" * 5000, 1).encode(),
        "digits",
    ),
    ("other format", mutate(lambda d: d.update(format="zip-of-cats")), "not a Story Journal bundle"),
    ("newer version", mutate(lambda d: d.update(version=2)), "update Story Journal"),
    ("unknown version", mutate(lambda d: d.update(version=0)), "version 0 is unknown"),
    ("duplicate story", mutate(duplicate_story), "twice"),
    ("duplicate link", mutate(duplicate_link), "coverage link"),
    ("duplicate key", with_document(b'{"format": "story-journal-bundle", "format": "x", "version": 1}'), "twice"),
    ("bad link", mutate(lambda d: d["stories"][0]["links"][0].update(url="javascript:alert(1)")), "web links"),
    ("empty title", mutate(lambda d: d["stories"][0]["fields"].update(title="  ")), "needs a title"),
    ("bad status", mutate(lambda d: d["stories"][0]["fields"].update(status="published")), "not a status"),
    ("unknown field", mutate(lambda d: d["stories"][0].update(mood="great")), "does not know"),
    ("bad vector", mutate(lambda d: d["stories"][0].update(version={})), "version vector"),
    ("negative cost", mutate(lambda d: d["stories"][0]["fields"].update(cost_cents=-5)), "the cost"),
]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, Any]]:
    folder = tmp_path_factory.mktemp("hostile")
    env = user_env(folder / "home")
    journal = folder / "target.journal"
    succeeded(
        run(
            ["--journal", str(journal), "add", "--title", "Kept safe", "--link", "https://example.com/a"],
            env=env,
            cwd=folder,
        )
    )
    return journal, env, good_document(journal, folder, env)


def make_bundle(bundle: Path, make: Any, document: dict[str, Any]) -> None:
    try:
        make(bundle)
    except (TypeError, AttributeError):  # a maker of documents (or of their bytes), not of files
        made = make(document)
        zipped(bundle, [(fmt.DOCUMENT, made if isinstance(made, bytes) else json.dumps(made).encode())])


@pytest.mark.parametrize(("case", "make", "expected"), CASES, ids=[case for case, _m, _e in CASES])
def test_a_hostile_bundle_is_refused_with_a_clear_error_and_the_journal_unchanged(
    prepared: tuple[Path, dict[str, str], dict[str, Any]], tmp_path: Path, case: str, make: Any, expected: str
) -> None:
    journal, env, document = prepared
    bundle = tmp_path / f"{case.replace(' ', '-')}.sjbundle"
    make_bundle(bundle, make, document)
    before = file_hash(journal)
    message = one_line_error(
        run(["--journal", str(journal), "bundle", "import", str(bundle)], env=env, cwd=tmp_path), 1
    )
    assert expected in message, message
    assert "Traceback" not in message
    assert file_hash(journal) == before
    assert not list(tmp_path.glob("../**/evil*"))


def test_the_good_document_itself_imports(
    prepared: tuple[Path, dict[str, str], dict[str, Any]], tmp_path: Path
) -> None:
    """The corpus is made by spoiling this bundle, which is fine as it is."""
    _journal, env, document = prepared
    bundle = tmp_path / "fine.sjbundle"
    zipped(bundle, [(fmt.DOCUMENT, json.dumps(document).encode())])
    out = succeeded(
        run(["--journal", str(tmp_path / "new.journal"), "bundle", "import", str(bundle)], env=env, cwd=tmp_path)
    )
    assert "1 new" in out


def test_one_session_refusing_many_hostile_bundles_never_crashes(
    tmp_path: Path, prepared: tuple[Path, dict[str, str], dict[str, Any]]
) -> None:
    """The window reads every bundle in its one process: refusing one must leave the JSON parser as sound as
    before. (A 5,000-digit number once broke yajl's C parser, and a later bundle crashed the process.)"""
    _journal, _env, document = prepared
    paths = []
    for number, (case, make, _expected) in enumerate(CASES * 3):
        if case in ("symlink", "too many entries", "compression bomb", "huge string"):
            continue  # refused before any JSON is read, or slow to make; the point is the parser's state
        path = tmp_path / f"{number}.sjbundle"
        make_bundle(path, make, document)
        paths.append(str(path))
    script = (
        "import sys\n"
        "from journal.bundles.format import BundleError\n"
        "from journal.bundles.read import read_bundle\n"
        "from pathlib import Path\n"
        "refused = 0\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        read_bundle(Path(name))\n"
        "    except BundleError:\n"
        "        refused += 1\n"
        "print(refused)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) == len(paths)  # each refused with a sentence
