"""Logging as the commands configure it: one JSON line per event, library warnings included."""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator

import pytest
import structlog

from alex.observability.logging import configure_logging


@pytest.fixture
def formatter() -> Iterator[logging.Formatter]:
    """``configure_logging`` as the commands call it, undone after; the formatter of its lines."""
    root = logging.getLogger()
    handlers, level, config = root.handlers[:], root.level, structlog.get_config()
    configure_logging(fmt="json")
    configured = root.handlers[0].formatter
    assert configured is not None
    yield configured
    logging.captureWarnings(False)
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)


def test_a_library_warning_is_a_json_log_line(
    formatter: logging.Formatter, caplog: pytest.LogCaptureFixture
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # the suite turns warnings into errors; a library's is not ours
        warnings.warn("this client option is deprecated", DeprecationWarning, stacklevel=1)
    records = [record for record in caplog.records if record.name == "py.warnings"]
    assert len(records) == 1
    line = json.loads(formatter.format(records[0]))
    assert "this client option is deprecated" in line["event"]
    assert line["level"] == "warning"
    assert line["logger"] == "py.warnings"
