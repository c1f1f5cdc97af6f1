"""What a team server process tells the people running it: one JSON line per request and per problem on
standard error (structured logs a journald, Loki or ELK reads as they are), and Prometheus metrics at
/metrics (prometheus-client), each process its own (scrape every process, or sum them).

No token, password, story text or query string is ever logged: a request's line names its route (the
template, such as /v1/snapshots/{digest}), its status, its duration and the device that made it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LOGGER = "journal.server"


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, event, the record's fields, and the error if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(form: str = "json") -> None:
    """Log lines to standard error: JSON (the default) or plain text for a person at a terminal."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if form == "json" else logging.Formatter("%(asctime)s %(message)s"))
    for name in (LOGGER, "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


def log(event: str, *, level: int = logging.INFO, **fields: Any) -> None:
    logging.getLogger(LOGGER).log(level, event, extra={"fields": fields})


class Metrics:
    """The process's Prometheus metrics, in a registry of its own (an app made twice in one process, as in the
    tests, does not collide)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "journal_requests", "HTTP requests answered", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "journal_request_seconds",
            "Time to answer a request",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.in_flight = Gauge("journal_requests_in_flight", "Requests being answered", registry=self.registry)
        self.pushed = Counter(
            "journal_pushed_changes", "Stories, case studies and deletions received in pushes", registry=self.registry
        )
        self.pulled = Counter("journal_pulled_changes", "Changes sent in pages", registry=self.registry)
        self.pages = Counter(
            "journal_pages", "Pages of changes served, by where they were read", ["source"], registry=self.registry
        )
        self.unavailable = Counter(
            "journal_database_unavailable",
            "Requests answered 503 because PostgreSQL could not be reached",
            registry=self.registry,
        )
