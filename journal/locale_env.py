"""The locale Qt starts with: UTF-8, switched to quietly when the user's locale is not.

Qt depends on a UTF-8 locale. Under `LC_ALL=C` (or any locale whose character set is not UTF-8) it switches to
C.UTF-8 by itself, but prints four lines about it on stderr, into every command's output. This makes the same
switch before Qt starts, without the noise. Python already does it for `LANG=C` (PEP 538) but not when `LC_ALL`
forces a locale.
"""

from __future__ import annotations

import locale
import os
from collections.abc import MutableMapping

UTF8_FALLBACK = "C.UTF-8"


def _is_utf8(codeset: str) -> bool:
    return codeset.replace("-", "").upper() == "UTF8"


def prefer_utf8_locale(environ: MutableMapping[str, str] | None = None, codeset: str | None = None) -> bool:
    """Point the locale variables Qt reads at C.UTF-8 when the current character set is not UTF-8.

    Returns True when it changed something. Call it before the first Q*Application is made.
    """
    env = os.environ if environ is None else environ
    current = codeset if codeset is not None else locale.nl_langinfo(locale.CODESET)
    if _is_utf8(current):
        return False
    # LC_ALL overrides every other variable; otherwise LC_CTYPE alone decides the character set.
    env["LC_ALL" if env.get("LC_ALL") else "LC_CTYPE"] = UTF8_FALLBACK
    return True
