from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.coverage.pages import PageServer, serve


@pytest.fixture
def pages() -> Iterator[PageServer]:
    with serve() as server:
        yield server
