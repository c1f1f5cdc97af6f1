"""`journal` and `python -m journal`: parse the arguments, then run a command or open the window.

Qt and SQLModel are imported only once they are needed, so `journal --version` and `--help` are instant.
"""

from __future__ import annotations

import sys


def _window_journal(arguments: list[str]) -> tuple[bool, str | None]:
    """(True, the --journal value) when the arguments only open the window (`journal`, `journal --journal X`):
    then the command line's parser (every command group's module) need not be imported before the first paint."""
    if not arguments:
        return True, None
    if len(arguments) == 2 and arguments[0] == "--journal" and not arguments[1].startswith("-"):
        return True, arguments[1]
    if len(arguments) == 1 and arguments[0].startswith("--journal=") and len(arguments[0]) > len("--journal="):
        return True, arguments[0].removeprefix("--journal=")
    return False, None


def main(argv: list[str] | None = None) -> int:
    from journal.locale_env import prefer_utf8_locale
    from journal.paths import default_journal_path, resolve_journal_path

    prefer_utf8_locale()  # before Qt starts: under LC_ALL=C it would say so on stderr

    # A terminal that cannot show a character gets a replacement, never a traceback.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    arguments = sys.argv[1:] if argv is None else argv
    window, journal_option = _window_journal(arguments)
    if not window:
        from journal.cli.main import build_parser, check_arguments

        parser = build_parser()
        args = parser.parse_args(arguments)
        check_arguments(parser, args)
        window, journal_option = args.command is None, args.journal
    path = resolve_journal_path(journal_option)
    is_default = path == default_journal_path()
    if is_default:
        path.parent.mkdir(parents=True, exist_ok=True)  # the user's data folder, made on first use
    if window:
        from journal.malloc_arenas import fewer_malloc_arenas

        fewer_malloc_arenas()  # before Qt starts its threads
        from journal.ui.shell.first_paint import paint_first

        first = paint_first(path, is_default=is_default, argv=[sys.argv[0]])  # rows on screen, then the rest
        if first is False:
            return 0  # a window has this journal open already: it came to the front
        from journal.app import run_window

        return run_window(path, is_default=is_default, argv=[sys.argv[0]], first=first)
    from journal.cli.main import run_command

    return run_command(args, path, create=is_default)


if __name__ == "__main__":
    sys.exit(main())
