"""How far the portfolio is from the person's targets, in percentage points.

Asset classes: the base is the whole portfolio (cash included: cash is an asset class, so
with no ``cash`` target any cash shows up as drift above a 0 % target) minus ``unclassified``
value, which cannot be attributed.

Regions: the base is the invested, attributable value, i.e. everything except cash (it has no
region), ``unclassified`` value, and ``global`` exposure when there is no ``global`` target
(a world fund's or gold's regional split is unknown, so it is neither home nor abroad).
Targets may be coarser than the nine regions; exposure is matched to target keys like this:

1. a region named in the targets counts toward itself (``europe`` → ``europe``);
2. otherwise, if there is an ``international`` target, every region except ``north_america``
   counts toward it: ``international`` means "everything not in North America that has no
   target of its own" (so with targets ``{north_america, europe, international}``, Asia counts
   as international and Europe as Europe; an instrument tagged ``international`` counts there too);
3. otherwise the region keeps its own row with a 0 % target, so money outside every target
   shows up as drift instead of disappearing.

The same matching applies to asset classes (rule 1 and 3). A row is within tolerance when
``|current - target| <= tolerance`` (default 5 percentage points, a common rebalancing band).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from alex.domain.money import ZERO, percentages
from alex.domain.portfolio.allocation import CASH, UNCLASSIFIED, Allocations, Breakdown
from alex.domain.portfolio.models import Targets
from alex.domain.taxonomy import AssetClass, Region, check_allocation

DEFAULT_TOLERANCE: Final = Decimal(5)
"""Percentage points either side of a target before the portfolio counts as drifted."""

HOME_OF_INTERNATIONAL: Final = Region.NORTH_AMERICA.value
"""``international`` targets mean "outside this region" (the reference's US-centred vocabulary)."""


class Dimension(StrEnum):
    ASSET_CLASS = "asset_class"
    REGION = "region"


@dataclass(frozen=True, slots=True)
class DriftRow:
    """One target (or untargeted holding) with its current share, target share and the gap."""

    key: str
    current_value: Decimal
    current_percent: Decimal
    target_percent: Decimal
    within_tolerance: bool

    @property
    def drift(self) -> Decimal:
        """Current minus target, in percentage points (positive = overweight)."""
        return self.current_percent - self.target_percent


@dataclass(frozen=True, slots=True)
class Drift:
    """Drift in one dimension; ``excluded`` is money left out of ``base``, by reason."""

    dimension: Dimension
    base: Decimal
    excluded: dict[str, Decimal]
    tolerance: Decimal
    rows: tuple[DriftRow, ...]

    @property
    def within_tolerance(self) -> bool:
        return all(row.within_tolerance for row in self.rows)

    @property
    def largest_drift(self) -> Decimal:
        return max((abs(row.drift) for row in self.rows), default=ZERO)


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Asset-class and region drift; a dimension is ``None`` when the person set no target for it."""

    asset_class: Drift | None
    region: Drift | None

    @property
    def within_tolerance(self) -> bool:
        return all(d.within_tolerance for d in (self.asset_class, self.region) if d is not None)


def drift_key(dimension: Dimension, key: str, target_keys: Mapping[str, object]) -> str | None:
    """The drift row a bucket of exposure counts toward, or ``None`` if it is left out of the base."""
    if key == UNCLASSIFIED:
        return None
    if dimension is Dimension.ASSET_CLASS or key in target_keys:
        return key
    if key in (CASH, Region.GLOBAL.value):
        return None
    if Region.INTERNATIONAL.value in target_keys and key != HOME_OF_INTERNATIONAL:
        return Region.INTERNATIONAL.value
    return key


def drift_in(
    breakdown: Breakdown, targets: Mapping[str, Decimal], *, dimension: Dimension, tolerance: Decimal
) -> Drift:
    """Compare one breakdown with validated targets (percent, summing to 100)."""
    current: defaultdict[str, Decimal] = defaultdict(Decimal)
    excluded: defaultdict[str, Decimal] = defaultdict(Decimal)
    for key, value in breakdown.values.items():
        row_key = drift_key(dimension, key, targets)
        if row_key is None:
            excluded[key] += value
        else:
            current[row_key] += value
    shares = percentages(current)
    extra_keys = [key for key in current if key not in targets]
    rows = []
    for key in [*targets, *extra_keys]:
        percent = shares.get(key, ZERO)
        target = Decimal(targets.get(key, ZERO))
        rows.append(
            DriftRow(
                key=key,
                current_value=current.get(key, ZERO),
                current_percent=percent,
                target_percent=target,
                within_tolerance=abs(percent - target) <= tolerance,
            )
        )
    return Drift(
        dimension=dimension,
        base=sum(current.values(), ZERO),
        excluded=dict(excluded),
        tolerance=tolerance,
        rows=tuple(rows),
    )


def measure_drift(
    allocations: Allocations, *, targets: Targets, tolerance: Decimal = DEFAULT_TOLERANCE
) -> DriftReport:
    """Drift against both target maps; raises ``AllocationError`` for a malformed target map."""
    asset = region = None
    if targets.asset_class_targets:
        checked = check_allocation(targets.asset_class_targets, AssetClass, what="asset class target")
        asset = drift_in(
            allocations.asset_class, checked, dimension=Dimension.ASSET_CLASS, tolerance=tolerance
        )
    if targets.region_targets:
        checked = check_allocation(targets.region_targets, Region, what="region target")
        region = drift_in(allocations.region, checked, dimension=Dimension.REGION, tolerance=tolerance)
    return DriftReport(asset_class=asset, region=region)
