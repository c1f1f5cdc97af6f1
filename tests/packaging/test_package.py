"""The packaged app (PyInstaller, packaging/story-journal.spec) does what the installed package does.

Marked `packaging`: `make test` leaves these out; `make package-test` and CI run them. With
STORY_JOURNAL_BUNDLE=<folder> they test that build (`make package-test` builds dist/story-journal first);
without it, the module builds one into a temporary folder (about half a minute).

The built program is compared with `python -m journal` from the same checkout on the same files: same
output for the commands, same schema, revision and backups after migrating an old journal.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

import journal
from journal.store import migrate
from journal.store.database import APPLICATION_ID

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "story-journal.spec"
EXECUTABLE = "journal.exe" if sys.platform == "win32" else "journal"
LINUX = sys.platform.startswith("linux")
WINDOW_UP_S = 5.0


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder build: the one STORY_JOURNAL_BUNDLE names, else a fresh build from the spec."""
    given = os.environ.get("STORY_JOURNAL_BUNDLE")
    if given:
        folder = Path(given)
        assert (folder / EXECUTABLE).is_file(), f"no built app in {folder}: run `make package` first"
        return folder
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is not installed: `make package-test` installs it (the `package` extra)")
    work = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    subprocess.run(
        [
            *(sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"),
            *("--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(SPEC)),
        ],
        cwd=ROOT,
        check=True,
        timeout=1200,
    )
    print(f"built in {time.monotonic() - started:.0f} s")
    return work / "dist" / "story-journal"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """A user's environment: data and config folders under `home`, no journal chosen, Qt offscreen."""
    env = {key: value for key, value in os.environ.items() if key not in {"STORY_JOURNAL", "PYTHONPATH"}}
    env.update(
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONUTF8="1",
    )
    env.update(extra)
    return env


def run(command: Sequence[str], home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*command, *args],
        env=user_env(home),
        cwd=home.parent,  # outside the checkout: the package runs from its installation, the app from its folder
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def app(bundle: Path) -> list[str]:
    return [str(bundle / EXECUTABLE)]


PACKAGE = [sys.executable, "-m", "journal"]


def schema(path: Path) -> dict[str, object]:
    """Everything the migrations decide: tables, indexes, triggers, FTS tables, revision, application id."""
    with sqlite3.connect(path) as raw:
        objects = sorted(raw.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())
        revision = raw.execute("SELECT version_num FROM alembic_version").fetchall()
        app_id = raw.execute("PRAGMA application_id").fetchone()[0]
    raw.close()
    return {"objects": objects, "revision": revision, "application_id": app_id}


def backups(path: Path) -> list[Path]:
    folder = path.with_name(path.name + ".backups")
    return sorted(folder.iterdir()) if folder.exists() else []


# ----------------------------------------------------------------------------- what is in the folder
def test_the_folder_holds_resources_migrations_licence_and_qt_plugins(bundle: Path) -> None:
    inside = bundle / "_internal"
    package = inside / "journal"
    for name in ("sample-journal.json", "icons/story-journal.svg", "icons/hicolor/256x256/apps"):
        assert (package / "resources" / name).exists(), name
    assert (package / "resources" / "sample-journal.json").read_bytes() == (
        ROOT / "resources" / "sample-journal.json"
    ).read_bytes()
    assert (package / "LICENSE").read_text(encoding="utf-8") == (ROOT / "LICENSE").read_text(encoding="utf-8")
    # Alembic loads these from files, so they must be files, all of them.
    migrations = package / "store" / "migrations"
    assert (migrations / "env.py").is_file() and (migrations / "script.py.mako").is_file()
    source_versions = ROOT / "journal" / "store" / "migrations" / "versions"
    assert sorted(p.name for p in (migrations / "versions").glob("*.py")) == sorted(
        p.name for p in source_versions.glob("*.py")
    )
    if LINUX:
        platforms = inside / "PySide6" / "Qt" / "plugins" / "platforms"
        for plugin in ("libqxcb.so", "libqwayland.so", "libqoffscreen.so"):
            assert (platforms / plugin).is_file(), f"the {plugin} platform plugin is missing"
        assert not (inside / "PySide6" / "Qt" / "translations").exists(), "unused Qt files came back"


# ----------------------------------------------------------------------------- the command line
def test_version_is_the_package_version(bundle: Path, home: Path) -> None:
    built = run(app(bundle), home, "--version")
    assert built.returncode == 0 and built.stdout == f"Story Journal {journal.__version__}\n"
    assert built.stdout == run(PACKAGE, home, "--version").stdout


def test_bad_arguments_fail_as_the_package_does(bundle: Path, home: Path) -> None:
    built = run(app(bundle), home, "add")
    package = run(PACKAGE, home, "add")
    assert built.returncode == package.returncode == 2
    assert built.stderr == package.stderr and "--title" in built.stderr


@pytest.fixture
def shared_journal(bundle: Path, home: Path, tmp_path: Path) -> Path:
    """Stories added half by the installed package, half by the built app, in one journal."""
    path = tmp_path / "shared.journal"
    first = run(
        PACKAGE,
        home,
        *("--journal", str(path), "add", "--title", "Courier pickup and flowers after a bereavement"),
        *("--occurred", "2007-07-14", "--organization", "Zappos", "--cost", "75", "--currency", "USD"),
        *("--tag", "bereavement", "--tag", "industry/retail", "--link", "https://example.com/her-post"),
    )
    assert first.returncode == 0, first.stderr
    second = run(
        app(bundle),
        home,
        *("--journal", str(path), "add", "--title", "Joshie the giraffe’s holiday", "--status", "approved"),
        *("--occurred", "2012-05-01", "--tag", "industry/hospitality", "--situation", "A lost toy — «ça va»"),
    )
    assert second.returncode == 0, second.stderr
    return path


@pytest.mark.parametrize(
    "args",
    [("list", "--json"), ("list",), ("list", "--tag", "industry", "--json"), ("list", "--tag", "nothing")],
    ids=" ".join,
)
def test_listing_a_journal_gives_what_the_package_gives(
    bundle: Path, home: Path, shared_journal: Path, args: tuple[str, ...]
) -> None:
    built = run(app(bundle), home, "--journal", str(shared_journal), *args)
    package = run(PACKAGE, home, "--journal", str(shared_journal), *args)
    assert built.returncode == package.returncode == 0, built.stderr
    assert built.stdout == package.stdout
    if "--json" in args:
        assert len(json.loads(built.stdout)) == 2


def test_show_gives_what_the_package_gives(bundle: Path, home: Path, shared_journal: Path) -> None:
    listed = json.loads(run(PACKAGE, home, "--journal", str(shared_journal), "list", "--json").stdout)
    for story in listed:
        for extra in ((), ("--json",)):
            built = run(app(bundle), home, "--journal", str(shared_journal), "show", story["id"][:8], *extra)
            package = run(PACKAGE, home, "--journal", str(shared_journal), "show", story["id"][:8], *extra)
            assert built.returncode == 0 and built.stdout == package.stdout


def test_a_missing_journal_is_refused_as_the_package_refuses_it(bundle: Path, home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "typo.journal"
    built = run(app(bundle), home, "--journal", str(missing), "list")
    package = run(PACKAGE, home, "--journal", str(missing), "list")
    assert built.returncode == package.returncode == 1
    assert built.stderr == package.stderr
    assert not missing.exists()


def test_the_default_journal_is_made_in_the_data_folder(bundle: Path, home: Path) -> None:
    added = run(app(bundle), home, "add", "--title", "First story")
    assert added.returncode == 0, added.stderr
    default = home / "data" / "story-journal" / "stories.journal"
    assert schema(default)["revision"] == [(migrate.head_revision(),)]
    assert "First story" in run(PACKAGE, home, "list").stdout


# ----------------------------------------------------------------------------- migrations
def test_a_new_journal_gets_the_schema_the_package_makes(bundle: Path, home: Path, tmp_path: Path) -> None:
    by_app, by_package = tmp_path / "app.journal", tmp_path / "package.journal"
    assert run(app(bundle), home, "--journal", str(by_app), "add", "--title", "X").returncode == 0
    assert run(PACKAGE, home, "--journal", str(by_package), "add", "--title", "X").returncode == 0
    assert schema(by_app)["revision"] == [(migrate.head_revision(),)]
    assert schema(by_app) == schema(by_package)


def revisions_oldest_first() -> list[str]:
    return [script.revision for script in reversed(list(migrate.script_directory().walk_revisions()))]


def old_journal(path: Path, revision: str | None) -> None:
    """A journal as an earlier Story Journal left it: at `revision` with one story, or an empty database."""
    sqlite3.connect(path).close()
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        if revision is not None:
            migrate.upgrade(connection, revision)
            connection.exec_driver_sql(
                "INSERT INTO story (id, title, created_at, updated_at)"
                " VALUES ('0ld5t0ry-0000-4000-8000-000000000000', 'Old story', '2020-01-01', '2020-01-01')"
            )
    engine.dispose()


@pytest.mark.parametrize("start", [None, *revisions_oldest_first()[:-1]], ids=lambda r: f"from-{r or 'empty'}")
def test_an_old_journal_is_migrated_as_the_package_migrates_it(
    bundle: Path, home: Path, tmp_path: Path, start: str | None
) -> None:
    by_app, by_package = tmp_path / "app.journal", tmp_path / "package.journal"
    old_journal(by_app, start)
    shutil.copyfile(by_app, by_package)

    built = run(app(bundle), home, "--journal", str(by_app), "list", "--json")
    package = run(PACKAGE, home, "--journal", str(by_package), "list", "--json")
    assert built.returncode == package.returncode == 0, built.stderr
    assert built.stdout == package.stdout
    assert [story["title"] for story in json.loads(built.stdout)] == ([] if start is None else ["Old story"])
    assert schema(by_app)["revision"] == [(migrate.head_revision(),)]
    assert schema(by_app) == schema(by_package)
    assert len(backups(by_app)) == len(backups(by_package)) == (0 if start is None else 1)
    # Written to after the upgrade, read back by the package: search, triggers and all.
    assert run(app(bundle), home, "--journal", str(by_app), "add", "--title", "New story").returncode == 0
    titles = [
        story["title"] for story in json.loads(run(PACKAGE, home, "--journal", str(by_app), "list", "--json").stdout)
    ]
    assert sorted(titles) == sorted(["New story"] + ([] if start is None else ["Old story"]))


# ----------------------------------------------------------------------------- the window
@contextmanager
def start_window(bundle: Path, home: Path, journal_path: Path, **env: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [*app(bundle), "--journal", str(journal_path)],
        env=user_env(home, **env),
        cwd=home.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def check_window_runs_and_closes(process: subprocess.Popen[str], home: Path) -> None:
    """Up for WINDOW_UP_S seconds, then SIGTERM: the app closes its window the normal way and exits 0."""
    deadline = time.monotonic() + WINDOW_UP_S
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    if process.poll() is not None:
        _, stderr = process.communicate()
        pytest.fail(f"the window ended by itself (status {process.returncode}):\n{stderr}")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "Could not load the Qt platform plugin" not in stderr, stderr
    settings = (home / "config" / "story-journal" / "settings.ini").read_text(encoding="utf-8")
    assert "geometry" in settings, "closing the window saves its geometry"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is how the test closes the window")
def test_the_window_starts_headless_and_closes_cleanly(bundle: Path, home: Path, shared_journal: Path) -> None:
    with start_window(bundle, home, shared_journal) as process:
        check_window_runs_and_closes(process, home)


@pytest.mark.skipif(not LINUX or shutil.which("Xvfb") is None, reason="needs Linux and Xvfb (CI installs it)")
def test_the_window_starts_on_an_x_screen(bundle: Path, home: Path, shared_journal: Path) -> None:
    """The xcb plugin and the X libraries it needs are in the folder (or on the system) and work."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as display_number:
            display = f":{display_number.readline().strip()}"
        with start_window(bundle, home, shared_journal, QT_QPA_PLATFORM="xcb", DISPLAY=display) as process:
            check_window_runs_and_closes(process, home)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=30)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is how the test closes the window")
def test_the_window_reads_the_radars_feeds_in_a_child_of_the_built_program(
    bundle: Path, home: Path, tmp_path: Path
) -> None:
    """The radar reads and matches in a child process the app starts from its own executable
    (journal/radar/child.py): freeze_support() in packaging/launcher.py makes that child do the reading, not
    open a second window. The first read comes FIRST_READ_MS after the window opens."""
    from journal.radar.api import Radar
    from journal.store.database import open_journal
    from journal.store.sample import fill_with_sample
    from journal.ui.radar.poller import FIRST_READ_MS
    from tests.radar.conftest import about_the_stories
    from tests.radar.feeds import rss, serve

    path = tmp_path / "radar.journal"
    with serve(tmp_path / "site") as server:
        journal = open_journal(path)
        fill_with_sample(journal)
        Radar(journal).add_feed(server.write("/feed.xml", rss(about_the_stories(server.base))))
        journal.close()
        with start_window(bundle, home, path) as process:
            deadline = time.monotonic() + FIRST_READ_MS / 1000 + 90
            suggested = 0
            while time.monotonic() < deadline and process.poll() is None and suggested < 3:
                time.sleep(1)
                with sqlite3.connect(path) as raw:
                    suggested = raw.execute("SELECT count(*) FROM radar_suggestion").fetchone()[0]
                raw.close()
            assert process.poll() is None, process.communicate()[1]
            assert suggested == 3
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)
            assert process.returncode == 0 and "Traceback" not in stderr, stderr
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT state FROM radar_source").fetchall() == [("ok",)]
    raw.close()
