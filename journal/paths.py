"""Where a journal lives: the platform's user data folder unless --journal or STORY_JOURNAL says otherwise.

Nothing here touches the disk at import time; folders are created only when a journal is opened.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_DIR_NAME = "story-journal"
JOURNAL_ENV = "STORY_JOURNAL"
DEFAULT_JOURNAL_NAME = "stories.journal"


def default_journal_path() -> Path:
    """The journal `journal` opens when nothing else is asked for."""
    return user_data_path(APP_DIR_NAME, appauthor=False) / DEFAULT_JOURNAL_NAME


def resolve_journal_path(cli_value: str | None, environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """--journal wins over STORY_JOURNAL, which wins over the default; `~` is expanded."""
    env = os.environ if environ is None else environ
    chosen = cli_value or env.get(JOURNAL_ENV) or None
    if chosen:
        return Path(chosen).expanduser().absolute()
    return default_journal_path()


def settings_path() -> Path:
    """The INI file that keeps window geometry and the last story per journal."""
    return user_config_path(APP_DIR_NAME, appauthor=False) / "settings.ini"


def resources_dir() -> Path:
    """resources/ inside an installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Story Journal's resources folder is missing; reinstall the app.")
