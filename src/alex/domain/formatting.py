"""Numbers as they appear in sentences a person reads (rule rationales, chart descriptions).

Amounts are US dollars, as in the reference product; formatting lives in one place so a
later locale setting changes every sentence at once. Display rounding is half-up (70.65 reads
as 70.7), as readers expect; ledger rounding (``money.to_cents``) stays banker's rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_money(amount: Decimal) -> str:
    """Whole dollars with thousands separators: ``$12,346``; negatives as ``-$5``."""
    whole = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if whole < 0 else ""
    return f"{sign}${abs(whole):,}"


def format_percent(value: Decimal | float, *, places: int = 1) -> str:
    """A percentage already expressed in percent: ``format_percent(12.345)`` → ``12.3%``."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,}%"


def format_points(value: Decimal) -> str:
    """A difference of percentages: ``format_points(Decimal("5"))`` → "5 percentage points"."""
    text = f"{abs(value).normalize():f}"
    return f"{text} percentage point{'' if text == '1' else 's'}"
