"""Entry point of the packaged app: the same main() as the installed `journal` command and `python -m journal`."""

import multiprocessing
import sys

from journal.__main__ import main

if __name__ == "__main__":
    # A child process the app starts (the coverage radar reads its feeds in one: journal/radar/child.py) runs
    # this same executable; this makes it do the child's work instead of opening a window.
    multiprocessing.freeze_support()
    sys.exit(main())
