"""Where the money is: allocations by asset class, region, sector, account and instrument type.

Look-through is exact: a holding contributes its value to each bucket of its instrument's
allocation map in proportion to the map's weights (a 60/40 fund worth $1,000 adds $600 to
equity and $400 to fixed income). Weights are normalised by their own sum, so a map stored as
99.97 % still distributes the whole value.

Two buckets exist outside the taxonomy vocabularies, so that every map covers the whole
portfolio and sums to 100 whenever the portfolio is worth anything:

- ``cash``: account cash balances. In the asset-class map this *is* the ``cash`` asset class;
  in the region, sector and instrument-type maps cash gets its own ``cash`` bucket (it has no
  region or sector). A money-market fund held as a position follows its own maps instead.
- ``unclassified``: the value of holdings whose map for that dimension is empty (not tagged
  yet). It is shown, never guessed; drift and rules leave it out of their bases.

Positions without a price are not valued (see ``valuation``) and therefore appear nowhere.
Each breakdown carries money to the cent (parts add up to the total exactly) and percentages
to 0.01 that add up to exactly 100.00 (largest-remainder rounding).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from alex.domain.money import ZERO, apportion, percentages
from alex.domain.portfolio.valuation import PortfolioValuation
from alex.domain.taxonomy import AssetClass

CASH: Final = AssetClass.CASH.value
UNCLASSIFIED: Final = "unclassified"


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One allocation map: money per bucket (largest first) and the matching percentages."""

    values: dict[str, Decimal]
    percentages: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.values.values(), ZERO)

    def percent(self, key: str) -> Decimal:
        return self.percentages.get(key, ZERO)

    def value(self, key: str) -> Decimal:
        return self.values.get(key, ZERO)


@dataclass(frozen=True, slots=True)
class Allocations:
    """The five breakdowns of one valued portfolio; ``account`` is keyed by account id."""

    total: Decimal
    asset_class: Breakdown
    region: Breakdown
    sector: Breakdown
    account: Breakdown
    instrument_type: Breakdown


def look_through(value: Decimal, allocation: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split ``value`` over the map's positive weights; all of it is ``unclassified`` if there are none."""
    weights = {key: Decimal(str(weight)) for key, weight in allocation.items() if weight > 0}
    weight_sum = sum(weights.values(), ZERO)
    if weight_sum <= 0:
        return {UNCLASSIFIED: value}
    return {key: value * weight / weight_sum for key, weight in weights.items()}


def breakdown(raw: Mapping[str, Decimal], *, total: Decimal) -> Breakdown:
    """Round raw bucket amounts to cents summing to ``total`` and attach percentages."""
    cents = apportion(raw, total=total)
    ordered = dict(sorted(((k, v) for k, v in cents.items() if v > 0), key=lambda kv: (-kv[1], kv[0])))
    return Breakdown(values=ordered, percentages=percentages(ordered))


def allocate(valuation: PortfolioValuation) -> Allocations:
    """All five allocation maps of a valued portfolio."""
    asset_class: defaultdict[str, Decimal] = defaultdict(Decimal)
    region: defaultdict[str, Decimal] = defaultdict(Decimal)
    sector: defaultdict[str, Decimal] = defaultdict(Decimal)
    instrument_type: defaultdict[str, Decimal] = defaultdict(Decimal)
    for account in valuation.accounts:
        for bucket in (asset_class, region, sector, instrument_type):
            bucket[CASH] += account.cash
    for _, position, value in valuation.priced_positions():
        instrument = position.instrument
        for bucket, allocation in (
            (asset_class, instrument.allocation_asset_class),
            (region, instrument.allocation_regions),
            (sector, instrument.allocation_sectors),
        ):
            for key, amount in look_through(value, allocation).items():
                bucket[key] += amount
        instrument_type[instrument.instrument_type] += value
    total = valuation.total
    return Allocations(
        total=total,
        asset_class=breakdown(asset_class, total=total),
        region=breakdown(region, total=total),
        sector=breakdown(sector, total=total),
        account=breakdown({a.account.id: a.total for a in valuation.accounts}, total=total),
        instrument_type=breakdown(instrument_type, total=total),
    )
