"""Wording shared by the offline writers: the offline notice, number formats, markdown tables.

Every number goes through the domain's formatters (``alex.domain.formatting``), so the text
shows exactly what the analytics computed, rounded the way the rest of the product rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from alex.domain.formatting import format_percent, format_points

OFFLINE_NOTICE: Final = (
    "_Written offline by Alex's built-in writer from the computed analysis; no language model was "
    "used, and every number comes from the calculations._"
)


def target(value: Decimal | float) -> str:
    """Targets are usually whole percentages: "70%" rather than "70.0%"."""
    number = Decimal(str(value))
    return format_percent(number, places=0 if number == number.to_integral_value() else 1)


def points(value: Decimal) -> str:
    """An unsigned difference of percentages to one decimal: "13.1 percentage points"."""
    return format_points(abs(value).quantize(Decimal("0.1")))


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured markdown table (the UI renders them with remark-gfm)."""
    lines = [_row(headers), _row(["---"] * len(headers))]
    lines += [_row(row) for row in rows]
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
