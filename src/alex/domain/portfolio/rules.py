"""X-ray style rules: each one measures something, compares it with thresholds, explains itself.

Every rule measures one number (a percentage, or percentage points for the fixed-income rule)
where higher is worse, and has two user-overridable thresholds: above ``warn_above`` the status
is ``warn``, above ``fail_above`` it is ``fail``. Rules that cannot be measured (no fund with a
known expense ratio, years to retirement unknown, ...) are listed in ``RuleReport.skipped``
with the reason instead of pretending to be fine.

Defaults and why:

- ``single_position_concentration`` 10 / 20 % of the portfolio in one individual security
  (stock, bond, REIT). Funds are not counted: they already spread money over many companies.
- ``sector_concentration`` 25 / 40 % in one industry, looking through funds. Bond sectors,
  ``diversified`` and ``other`` are not industries and are not counted.
- ``region_concentration`` 35 / 50 % of invested money in one region other than home (home
  is the home-bias rule's business); ``global``/``international`` buckets have no single region.
- ``account_concentration`` 50 / 90 % of everything in one account (Ghostfolio's X-ray uses
  50 %): one provider problem, lockout or fraud would reach most of the money.
- ``cash_drag`` 10 / 25 % in cash: over long periods it trails inflation and markets.
- ``home_bias`` 80 / 95 % of stocks in the home region; North America is roughly two thirds of
  world stock-market value (MSCI ACWI weights, 2024), so even a world index fund sits near 65 %.
- ``fixed_income_vs_horizon`` 15 / 25 points away from a target-date glide path
  (``recommended_fixed_income``).
- ``unclassified_holdings`` any / 10 %: unclassified money is invisible to every other rule.
  It counts the whole value of every priced holding that is not fully classified (no map in
  any one of asset class, region or sector, or still awaiting the tagger; see
  ``classification``), so a partly classified holding counts like an unclassified one; its
  rationale also names such holdings that have no price (they have no value to count).
- ``fee_ratio`` 0.50 / 1.00 % a year, value-weighted over funds with a known expense ratio
  (individual securities cost nothing to hold); index funds cost 0.03-0.20 %.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Final

from alex.domain.formatting import format_money, format_percent, format_points
from alex.domain.labels import label
from alex.domain.money import HUNDRED, ZERO
from alex.domain.portfolio.allocation import CASH, UNCLASSIFIED, Allocations, allocate, look_through
from alex.domain.portfolio.classification import ClassificationGap, classification_gaps, named
from alex.domain.portfolio.valuation import PortfolioValuation
from alex.domain.retirement.assumptions import DEFAULT_INFLATION
from alex.domain.taxonomy import AssetClass, InstrumentType, Region, Sector


class RuleId(StrEnum):
    SINGLE_POSITION_CONCENTRATION = "single_position_concentration"
    SECTOR_CONCENTRATION = "sector_concentration"
    REGION_CONCENTRATION = "region_concentration"
    ACCOUNT_CONCENTRATION = "account_concentration"
    CASH_DRAG = "cash_drag"
    HOME_BIAS = "home_bias"
    FIXED_INCOME_VS_HORIZON = "fixed_income_vs_horizon"
    UNCLASSIFIED_HOLDINGS = "unclassified_holdings"
    FEE_RATIO = "fee_ratio"


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Threshold:
    """Warn above ``warn_above``, fail above ``fail_above`` (same unit as the measured value)."""

    warn_above: Decimal
    fail_above: Decimal
    enabled: bool = True

    def __post_init__(self) -> None:
        if not ZERO <= self.warn_above <= self.fail_above:
            raise ValueError("thresholds must satisfy 0 <= warn_above <= fail_above")

    def status(self, value: Decimal) -> Status:
        if value > self.fail_above:
            return Status.FAIL
        if value > self.warn_above:
            return Status.WARN
        return Status.OK


DEFAULT_THRESHOLDS: Final[Mapping[RuleId, Threshold]] = {
    RuleId.SINGLE_POSITION_CONCENTRATION: Threshold(Decimal(10), Decimal(20)),
    RuleId.SECTOR_CONCENTRATION: Threshold(Decimal(25), Decimal(40)),
    RuleId.REGION_CONCENTRATION: Threshold(Decimal(35), Decimal(50)),
    RuleId.ACCOUNT_CONCENTRATION: Threshold(Decimal(50), Decimal(90)),
    RuleId.CASH_DRAG: Threshold(Decimal(10), Decimal(25)),
    RuleId.HOME_BIAS: Threshold(Decimal(80), Decimal(95)),
    RuleId.FIXED_INCOME_VS_HORIZON: Threshold(Decimal(15), Decimal(25)),
    RuleId.UNCLASSIFIED_HOLDINGS: Threshold(Decimal(0), Decimal(10)),
    RuleId.FEE_RATIO: Threshold(Decimal("0.50"), Decimal("1.00")),
}

FUND_TYPES: Final = frozenset(
    {InstrumentType.ETF.value, InstrumentType.MUTUAL_FUND.value, InstrumentType.BOND_FUND.value}
)
NOT_AN_INDUSTRY: Final = frozenset(
    {
        Sector.TREASURY.value,
        Sector.CORPORATE.value,
        Sector.MORTGAGE.value,
        Sector.GOVERNMENT_RELATED.value,
        Sector.DIVERSIFIED.value,
        Sector.OTHER.value,
        CASH,
        UNCLASSIFIED,
    }
)
NOT_ONE_REGION: Final = frozenset({Region.GLOBAL.value, Region.INTERNATIONAL.value, CASH, UNCLASSIFIED})
WORLD_MARKET_SHARE: Final[Mapping[str, str]] = {Region.NORTH_AMERICA.value: "roughly two thirds"}
"""Home regions whose share of world stock-market value the home-bias rationale can quote."""


def recommended_fixed_income(years_until_retirement: int) -> Decimal:
    """Bond share (percent) of a typical target-date glide path.

    Modelled on the published glide path of Vanguard's Target Retirement funds: about 10 %
    bonds 25 or more years before retirement, rising in a straight line to about 50 % at
    retirement (1.6 points a year).
    """
    years = max(0, min(25, years_until_retirement))
    return Decimal(50) - Decimal("1.6") * years


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Thresholds per rule plus the person's home region (``north_america`` by default)."""

    thresholds: Mapping[RuleId, Threshold] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    home_region: str = Region.NORTH_AMERICA.value

    def with_overrides(self, overrides: Mapping[str, Mapping[str, object]]) -> RuleSettings:
        """Apply user overrides such as ``{"cash_drag": {"warn_above": 15, "enabled": False}}``.

        Raises ``ValueError`` for an unknown rule id or setting, or thresholds out of order.
        """
        thresholds = dict(self.thresholds)
        for raw_id, changes in overrides.items():
            try:
                rule_id = RuleId(raw_id)
            except ValueError:
                raise ValueError(f"unknown rule {raw_id!r}") from None
            unknown = set(changes) - {"warn_above", "fail_above", "enabled"}
            if unknown:
                raise ValueError(f"{raw_id}: unknown settings {sorted(unknown)}")
            current = thresholds[rule_id]
            thresholds[rule_id] = replace(
                current,
                warn_above=Decimal(str(changes.get("warn_above", current.warn_above))),
                fail_above=Decimal(str(changes.get("fail_above", current.fail_above))),
                enabled=bool(changes.get("enabled", current.enabled)),
            )
        return replace(self, thresholds=thresholds)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict. ``threshold`` is the limit that decided the status (``warn_above`` when ok)."""

    rule_id: RuleId
    title: str
    status: Status
    value: Decimal
    threshold: Decimal
    warn_above: Decimal
    fail_above: Decimal
    unit: str
    rationale: str
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class RuleReport:
    findings: tuple[Finding, ...]
    skipped: dict[RuleId, str]

    @property
    def worst(self) -> Status:
        statuses = {f.status for f in self.findings}
        return next((s for s in (Status.FAIL, Status.WARN) if s in statuses), Status.OK)


@dataclass(frozen=True, slots=True)
class _Context:
    valuation: PortfolioValuation
    allocations: Allocations
    years_until_retirement: int | None
    home_region: str

    @property
    def total(self) -> Decimal:
        return self.allocations.total


@dataclass(frozen=True, slots=True)
class _Measured:
    value: Decimal
    subject: str | None
    describe: Callable[[Status, Threshold], str]
    unit: str = "%"


_Rule = Callable[[_Context], _Measured | str]


def evaluate_rules(
    valuation: PortfolioValuation,
    *,
    years_until_retirement: int | None = None,
    settings: RuleSettings | None = None,
) -> RuleReport:
    """Run every enabled rule over a valued portfolio."""
    settings = settings or RuleSettings()
    context = _Context(
        valuation=valuation,
        allocations=allocate(valuation),
        years_until_retirement=years_until_retirement,
        home_region=settings.home_region,
    )
    findings: list[Finding] = []
    skipped: dict[RuleId, str] = {}
    for rule_id, (title, rule) in _RULES.items():
        threshold = settings.thresholds.get(rule_id, DEFAULT_THRESHOLDS[rule_id])
        if not threshold.enabled:
            skipped[rule_id] = "Turned off in your settings."
            continue
        if context.total <= 0:
            skipped[rule_id] = "The portfolio has no value yet."
            continue
        measured = rule(context)
        if isinstance(measured, str):
            skipped[rule_id] = measured
            continue
        status = threshold.status(measured.value)
        findings.append(
            Finding(
                rule_id=rule_id,
                title=title,
                status=status,
                value=measured.value,
                threshold=threshold.fail_above if status is Status.FAIL else threshold.warn_above,
                warn_above=threshold.warn_above,
                fail_above=threshold.fail_above,
                unit=measured.unit,
                rationale=measured.describe(status, threshold),
                subject=measured.subject,
            )
        )
    return RuleReport(findings=tuple(findings), skipped=skipped)


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return (part * HUNDRED / whole).quantize(Decimal("0.01")) if whole > 0 else ZERO


def _limit_phrase(status: Status, threshold: Threshold, *, places: int = 0) -> str:
    if status is Status.FAIL:
        return f"above the {format_percent(threshold.fail_above, places=places)} limit"
    if status is Status.WARN:
        return f"above the {format_percent(threshold.warn_above, places=places)} warning level"
    return f"within the {format_percent(threshold.warn_above, places=places)} warning level"


def _single_position(context: _Context) -> _Measured | str:
    by_symbol: defaultdict[str, Decimal] = defaultdict(Decimal)
    for _, position, value in context.valuation.priced_positions():
        if position.instrument.instrument_type not in FUND_TYPES:
            by_symbol[position.position.symbol] += value
    if not by_symbol:
        return _Measured(
            ZERO,
            None,
            lambda status, threshold: (
                "You hold only funds, no individual securities, so no single company can sink the portfolio."
            ),
        )
    symbol, value = max(by_symbol.items(), key=lambda item: (item[1], item[0]))
    share = _share(value, context.total)

    def describe(status: Status, threshold: Threshold) -> str:
        text = (
            f"{symbol} is {format_percent(share)} of your portfolio ({format_money(value)}), "
            f"{_limit_phrase(status, threshold)} for one individual security"
        )
        if status is Status.OK:
            return text + "; funds are not counted because they already spread money over many companies."
        return text + ": a bad year for that one company would hit your whole plan."

    return _Measured(share, symbol, describe)


def _sector(context: _Context) -> _Measured | str:
    sectors = {k: v for k, v in context.allocations.sector.values.items() if k not in NOT_AN_INDUSTRY}
    if not sectors:
        return "No holding has an industry sector (only bonds, cash, diversified funds or unclassified)."
    sector, value = max(sectors.items(), key=lambda item: (item[1], item[0]))
    share = _share(value, context.total)

    def describe(status: Status, threshold: Threshold) -> str:
        text = (
            f"{label(sector)} is your largest industry at {format_percent(share)} of the portfolio "
            f"(looking through funds), {_limit_phrase(status, threshold)}"
        )
        if status is Status.OK:
            return text + "."
        return text + ": a downturn in that one industry would hit a large part of your money."

    return _Measured(share, sector, describe)


def _region(context: _Context) -> _Measured | str:
    region_values = context.allocations.region.values
    invested = sum((v for k, v in region_values.items() if k not in (CASH, UNCLASSIFIED)), ZERO)
    foreign = {k: v for k, v in region_values.items() if k not in NOT_ONE_REGION and k != context.home_region}
    if invested <= 0:
        return "No invested money has a known region."
    if not foreign:
        home = label(context.home_region)
        return _Measured(
            ZERO,
            None,
            lambda status, threshold: (
                f"All of your invested money with a single known region is in {home}; see home bias."
            ),
        )
    region, value = max(foreign.items(), key=lambda item: (item[1], item[0]))
    share = _share(value, invested)

    def describe(status: Status, threshold: Threshold) -> str:
        text = (
            f"{label(region)} is {format_percent(share)} of your invested money, the most of any region "
            f"outside {label(context.home_region)}, {_limit_phrase(status, threshold)}"
        )
        if status is Status.OK:
            return text + "."
        return text + ": that much in one foreign region ties your plan to one economy and currency."

    return _Measured(share, region, describe)


def _account(context: _Context) -> _Measured | str:
    accounts = {a.account.id: a for a in context.valuation.accounts}
    account_id, value = next(iter(context.allocations.account.values.items()))
    name = accounts[account_id].account.name
    share = _share(value, context.total)

    def describe(status: Status, threshold: Threshold) -> str:
        if len(context.allocations.account.values) == 1:
            text = f"All of your money is in one account, {name}"
        else:
            text = f"{name} holds {format_percent(share)} of everything"
        text += f", {_limit_phrase(status, threshold)}"
        if status is Status.OK:
            return text + "."
        return (
            text
            + ": a problem with that one account or provider (a lockout, fraud, a failure) would reach most"
            " of your money."
        )

    return _Measured(share, name, describe)


def _cash(context: _Context) -> _Measured | str:
    cash = context.allocations.asset_class.value(AssetClass.CASH.value)
    share = _share(cash, context.total)
    balances = [(a.cash, a.account.cash_interest) for a in context.valuation.accounts if a.cash > 0]
    balance_total = sum((amount for amount, _ in balances), ZERO)
    interest = (
        sum((amount * rate for amount, rate in balances), ZERO) * HUNDRED / balance_total
        if balance_total > 0
        else None
    )

    def describe(status: Status, threshold: Threshold) -> str:
        text = (
            f"Cash is {format_percent(share)} of your portfolio ({format_money(cash)}), "
            f"{_limit_phrase(status, threshold)}"
        )
        if status is Status.OK:
            return text + "."
        if interest is not None:
            comparison = "below" if interest < Decimal(str(DEFAULT_INFLATION)) else "around"
            text += (
                f"; your account cash earns {format_percent(interest, places=2)} a year on average, "
                f"{comparison} the {format_percent(DEFAULT_INFLATION)} inflation assumption"
            )
        return text + ". Over long periods cash loses buying power and misses market growth."

    return _Measured(share, None, describe)


def _home_bias(context: _Context) -> _Measured | str:
    equity_by_region: defaultdict[str, Decimal] = defaultdict(Decimal)
    for _, position, value in context.valuation.priced_positions():
        instrument = position.instrument
        equity = look_through(value, instrument.allocation_asset_class).get(AssetClass.EQUITY.value, ZERO)
        if equity > 0:
            # The maps are separate, so a fund's stocks are assumed spread like the whole fund;
            # that is exact for single-asset-class funds, which is most of them.
            for region, amount in look_through(equity, instrument.allocation_regions).items():
                equity_by_region[region] += amount
    attributable = sum(
        (v for k, v in equity_by_region.items() if k not in (Region.GLOBAL.value, UNCLASSIFIED)), ZERO
    )
    if attributable <= 0:
        return "You hold no stocks with a known region."
    home = context.home_region
    share = _share(equity_by_region[home], attributable)
    world = WORLD_MARKET_SHARE.get(home)

    def describe(status: Status, threshold: Threshold) -> str:
        text = f"{format_percent(share)} of your stocks are in {label(home)}"
        if world:
            text += f", which is {world} of world stock-market value"
        text += f"; that is {_limit_phrase(status, threshold)}"
        if status is Status.OK:
            return text + "."
        return text + ", so your stocks depend on one economy more than a world index fund would."

    return _Measured(share, home, describe)


def _fixed_income(context: _Context) -> _Measured | str:
    years = context.years_until_retirement
    if years is None:
        return "Years until retirement are not set."
    classified = context.total - context.allocations.asset_class.value(UNCLASSIFIED)
    if classified <= 0:
        return "No holding has a known asset class."
    held = _share(context.allocations.asset_class.value(AssetClass.FIXED_INCOME.value), classified)
    recommended = recommended_fixed_income(years)
    gap = held - recommended

    def describe(status: Status, threshold: Threshold) -> str:
        text = (
            f"With {years} year{'s' if years != 1 else ''} to retirement, target-date funds hold about "
            f"{format_percent(recommended, places=0)} in bonds; you hold {format_percent(held)}"
        )
        if status is Status.OK:
            return text + f", within {format_points(threshold.warn_above)} of that."
        direction = "below" if gap < 0 else "above"
        consequence = (
            "too little to cushion a crash just before you need the money"
            if gap < 0
            else "more than needed, which may slow growth you still have time for"
        )
        return text + f", {format_points(abs(gap).quantize(Decimal('0.1')))} {direction}: {consequence}."

    return _Measured(abs(gap), "below" if gap < 0 else "above", describe, unit="percentage points")


def _unclassified(context: _Context) -> _Measured | str:
    # The one definition of "not fully classified" (``classification``): the warnings and the
    # rebalancing note name exactly these holdings, in the same words.
    held = [p for a in context.valuation.accounts for p in a.positions]
    gaps = classification_gaps(p.position for p in held)
    priced_symbols = {p.position.symbol for p in held if p.value is not None}
    value = sum((p.value for p in held if p.value is not None and p.instrument.needs_classification), ZERO)
    share = _share(value, context.total)
    priced = [gap for gap in gaps if gap.symbol in priced_symbols]
    unpriced = [gap for gap in gaps if gap.symbol not in priced_symbols]

    def describe(status: Status, threshold: Threshold) -> str:
        if not gaps:
            return "Every holding is classified, so allocations and checks cover the whole portfolio."
        text = (
            f"{named(priced)} {_is(priced)} not fully classified yet ({format_percent(share)} of the "
            "portfolio), so allocations, drift, rebalancing and the other checks cannot see where that "
            "money is invested."
            if priced
            else "Every priced holding is classified."
        )
        if unpriced:
            text += (
                f" {named(unpriced)} {_is(unpriced)} not fully classified yet either and "
                f"{'has' if len(unpriced) == 1 else 'have'} no price, so "
                f"{'it is' if len(unpriced) == 1 else 'they are'} in no total or check."
            )
        return text

    return _Measured(share, ", ".join(gap.symbol for gap in gaps) or None, describe)


def _is(items: list[ClassificationGap]) -> str:
    return "is" if len(items) == 1 else "are"


def _fees(context: _Context) -> _Measured | str:
    covered = cost = uncovered = ZERO
    for _, position, value in context.valuation.priced_positions():
        instrument = position.instrument
        if instrument.instrument_type not in FUND_TYPES:
            covered += value
        elif instrument.expense_ratio is None:
            uncovered += value
        else:
            covered += value
            cost += value * instrument.expense_ratio / HUNDRED
    if covered <= 0:
        return "No expense ratio is known for any of your funds."
    ratio = (cost * HUNDRED / covered).quantize(Decimal("0.0001"))

    def describe(status: Status, threshold: Threshold) -> str:
        text = (
            f"Your holdings cost about {format_percent(ratio, places=2)} a year on average "
            f"({format_money(cost)} a year), {_limit_phrase(status, threshold, places=2)}"
        )
        if uncovered > 0:
            text += (
                f" (funds worth {format_money(uncovered)} have no known expense ratio and are not counted)"
            )
        if status is Status.OK:
            return text + "."
        lost = (1 - (1 - ratio / HUNDRED) ** 30) * HUNDRED
        return (
            text + f"; over 30 years that fee takes about {format_percent(lost, places=0)} of what the money "
            "would grow to."
        )

    return _Measured(ratio, None, describe)


_RULES: Final[Mapping[RuleId, tuple[str, _Rule]]] = {
    RuleId.SINGLE_POSITION_CONCENTRATION: ("Single-position concentration", _single_position),
    RuleId.SECTOR_CONCENTRATION: ("Sector concentration", _sector),
    RuleId.REGION_CONCENTRATION: ("Region concentration", _region),
    RuleId.ACCOUNT_CONCENTRATION: ("Single-account concentration", _account),
    RuleId.CASH_DRAG: ("Cash drag", _cash),
    RuleId.HOME_BIAS: ("Home bias", _home_bias),
    RuleId.FIXED_INCOME_VS_HORIZON: ("Bonds versus years to retirement", _fixed_income),
    RuleId.UNCLASSIFIED_HOLDINGS: ("Unclassified holdings", _unclassified),
    RuleId.FEE_RATIO: ("Fees", _fees),
}
