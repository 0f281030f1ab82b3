"""The portfolio as the analytics see it: plain, frozen records mapped from database rows.

Allocation maps are percentages keyed by the taxonomy vocabularies (``alex.domain.taxonomy``);
an empty map means "not classified in that dimension yet". Money and quantities are
``Decimal``. Nothing here talks to a database: the caller builds these from rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

CLASSIFICATION_DIMENSIONS: Final = ("asset_class", "region", "sector")
"""The dimensions the analysis places money in (allocations, drift, rules), in the order they are named."""


@dataclass(frozen=True, slots=True)
class Instrument:
    """A security that can be held: an ETF, fund, stock, bond, ...

    ``expense_ratio`` is a yearly cost in percent (``Decimal("0.0945")`` = 0.0945 % a year) or
    ``None`` when unknown. ``unclassified`` marks an instrument whose maps are missing or are a
    placeholder awaiting the tagger; the maps that are present are still used for allocations.
    ``quantity_step`` is the smallest quantity an order may be a multiple of: 1 (whole shares,
    the default, as nothing records yet which instruments trade in fractions), a fraction such
    as ``Decimal("0.001")`` when fractional shares can be traded, or ``None`` for any quantity
    (to the 8 decimal places positions are stored with).
    """

    symbol: str
    name: str
    instrument_type: str
    price: Decimal | None
    allocation_asset_class: dict[str, Decimal] = field(default_factory=dict)
    allocation_regions: dict[str, Decimal] = field(default_factory=dict)
    allocation_sectors: dict[str, Decimal] = field(default_factory=dict)
    expense_ratio: Decimal | None = None
    unclassified: bool = False
    quantity_step: Decimal | None = Decimal(1)

    def __post_init__(self) -> None:
        if self.price is not None and self.price < 0:
            raise ValueError(f"{self.symbol}: price must not be negative")
        if self.quantity_step is not None and not (self.quantity_step.is_finite() and self.quantity_step > 0):
            raise ValueError(f"{self.symbol}: quantity step must be positive")
        if self.expense_ratio is not None and self.expense_ratio < 0:
            raise ValueError(f"{self.symbol}: expense ratio must not be negative")

    @property
    def unclassified_dimensions(self) -> tuple[str, ...]:
        """The ``CLASSIFICATION_DIMENSIONS`` whose map has no positive weight: the allocations put
        this instrument's value there under "unclassified" (``allocation.look_through``)."""
        maps = (self.allocation_asset_class, self.allocation_regions, self.allocation_sectors)
        return tuple(
            dimension
            for dimension, allocation in zip(CLASSIFICATION_DIMENSIONS, maps, strict=True)
            if not any(weight > 0 for weight in allocation.values())
        )

    @property
    def needs_classification(self) -> bool:
        """The one definition of "not fully classified" (see ``alex.domain.portfolio.classification``).

        True when a map is missing in any dimension (partly classified, or not at all), or while
        the instrument is flagged ``unclassified`` (its maps are a placeholder awaiting the tagger).
        """
        return self.unclassified or bool(self.unclassified_dimensions)


@dataclass(frozen=True, slots=True)
class Position:
    """A quantity of one instrument held in one account."""

    id: str
    symbol: str
    quantity: Decimal
    instrument: Instrument

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise ValueError(f"position {self.id}: quantity must not be negative")


@dataclass(frozen=True, slots=True)
class Account:
    """An investment account: its cash and its positions.

    ``account_type`` is an ``AccountType`` value (``"401k"``, ``"roth_ira"``, ...);
    ``cash_interest`` is a yearly rate as a fraction (``Decimal("0.045")`` = 4.5 %).
    """

    id: str
    name: str
    account_type: str
    cash_balance: Decimal
    cash_interest: Decimal = Decimal(0)
    positions: tuple[Position, ...] = ()

    def __post_init__(self) -> None:
        if self.cash_balance < 0:
            raise ValueError(f"account {self.id}: cash balance must not be negative")


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Everything one person holds."""

    accounts: tuple[Account, ...] = ()


@dataclass(frozen=True, slots=True)
class Targets:
    """The person's target mix in percent, each map summing to 100 (or empty for "no target").

    Region targets may be coarser than the nine regions (``international``); see
    ``alex.domain.portfolio.drift`` for how they are matched.
    """

    asset_class_targets: dict[str, Decimal] = field(default_factory=dict)
    region_targets: dict[str, Decimal] = field(default_factory=dict)
