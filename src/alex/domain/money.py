"""Money arithmetic shared by the analytics: cents, and rounding that keeps totals exact.

Every amount of money is a ``Decimal`` rounded to the cent. Breakdowns (allocation maps,
chart slices) are rounded with the largest-remainder method so that their parts add up to
the rounded whole exactly, instead of drifting by a cent or 0.01 % per bucket.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Final

CENT: Final = Decimal("0.01")
ZERO: Final = Decimal(0)
HUNDRED: Final = Decimal(100)


def to_cents(amount: Decimal) -> Decimal:
    """Round an amount of money to the cent (banker's rounding, as ledgers do)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def apportion(parts: Mapping[str, Decimal], *, total: Decimal, quantum: Decimal = CENT) -> dict[str, Decimal]:
    """Round each part to ``quantum`` so that the rounded parts sum to ``total`` exactly.

    ``parts`` must be non-negative and add up to ``total`` up to rounding noise; ``total``
    must be a multiple of ``quantum``. Every part is rounded down, then the leftover quanta go
    to the parts with the largest remainders (ties: the order of ``parts``), which is the
    Hamilton method: no part moves by more than one quantum.
    """
    floors = {key: value.quantize(quantum, rounding=ROUND_FLOOR) for key, value in parts.items()}
    leftover = ((total - sum(floors.values(), ZERO)) / quantum).to_integral_value(rounding=ROUND_HALF_EVEN)
    units = max(0, min(int(leftover), len(parts)))
    by_remainder = sorted(parts, key=lambda key: parts[key] - floors[key], reverse=True)
    for key in by_remainder[:units]:
        floors[key] += quantum
    return floors


def percentages(values: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Each value's share of their sum in percent (2 dp), summing to exactly 100; {} if the sum is 0."""
    total = sum(values.values(), ZERO)
    if total <= 0:
        return {}
    return apportion({key: value * HUNDRED / total for key, value in values.items()}, total=HUNDRED)
