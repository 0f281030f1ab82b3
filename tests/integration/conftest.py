"""Fixtures of the process tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.slow_model import SlowModel, slow_model


@pytest.fixture
def model() -> Iterator[SlowModel]:
    """A loopback model whose answers take as long as the workers' settings say (see slow_model)."""
    with slow_model() as running:
        yield running
