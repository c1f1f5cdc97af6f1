"""Fewer malloc arenas for the window's process (Linux with glibc).

glibc gives each thread that allocates its own arena, up to eight per core, and memory a thread frees stays in
its arena for that thread to reuse. The window's threads (Qt's pool reading the journal, the coverage fetcher's,
the search index's) each kept some that way: 1.6 MB of the window's ~153 MB with 100,000 stories
(benchmarks/startup.py, with and without MALLOC_ARENA_MAX=2). Two arenas serve the same work on a laptop's few
cores: threads that allocate at the same instant wait a moment for each other, nothing more.

A MALLOC_ARENA_MAX set in the environment wins (glibc read it before this runs).
"""

from __future__ import annotations

import os
import sys

M_ARENA_MAX = -8  # mallopt's parameter number for the arena limit (glibc's malloc.h)
ARENAS = 2


def fewer_malloc_arenas() -> bool:
    """Limit the process to ARENAS arenas; True when glibc took it. Call before any thread starts."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return False  # not glibc: no arenas to limit
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_ARENA_MAX, ARENAS))
