"""Entry point of the packaged app: the same main() as the installed `journal` command and `python -m journal`."""

import sys

from journal.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
