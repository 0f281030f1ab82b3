"""Logging as the commands configure it, for tests that check what a log line holds."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from alex.observability.logging import configure_logging


@contextmanager
def production_logging() -> Iterator[logging.Formatter]:
    """``configure_logging`` as `alex serve` calls it (JSON lines through the standard library),
    undone after; yields the formatter its lines are written with (format captured records with it)."""
    root = logging.getLogger()
    handlers, level, config = root.handlers[:], root.level, structlog.get_config()
    configure_logging(fmt="json")
    formatter = root.handlers[0].formatter
    assert formatter is not None
    try:
        yield formatter
    finally:
        logging.captureWarnings(False)
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.configure(**config)
