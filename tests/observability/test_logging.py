"""Logging as the commands configure it: one JSON line per event, library warnings included."""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator

import pytest

from tests.support.logs import production_logging


@pytest.fixture
def formatter() -> Iterator[logging.Formatter]:
    with production_logging() as formatter:
        yield formatter


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
