"""US market history since 1871, as annual returns, for the historical retirement methods.

Data. Robert Shiller's monthly series ("Irrational Exuberance", Yale; ODC-PDDL-1.0), shipped
in the package (``data/sp500-shiller-monthly.csv``, with a README giving its source, licence
and columns); it is read once, on first use, and never downloaded. Whole calendar years of
returns run from 1871 to 2022 (``HISTORY_FIRST_YEAR``..``HISTORY_LAST_YEAR``): the file is
complete through September 2023 and a 0 in it means "missing".

Annual returns, by the conventions published backtests use with this series (cFIREsim,
FIRECalc and FI Calc are built on it), for calendar year ``y``:

- stocks (S&P composite, total return): (January ``y+1`` price + the year's dividends, the sum
  of the twelve monthly ``Dividend / 12``) ÷ January ``y`` price − 1;
- bonds (10-year US government bonds): buy a 10-year par bond at January ``y``'s long rate,
  receive one annual coupon, sell it in January ``y+1`` as a 9-year bond priced at that
  month's long rate (annual compounding);
- inflation: January ``y+1`` CPI ÷ January ``y`` CPI − 1.

Real (inflation-adjusted) growth is ``(1 + nominal) / (1 + inflation)``.

Proxies. The series has stocks, bonds and prices only; Alex's other asset classes are stood in
for as follows (``HISTORICAL_PROXIES`` carries the same text into every result):

- ``equity``: US stocks (the S&P composite stands for all equity, foreign included);
- ``fixed_income``: the 10-year bond series above;
- ``real_estate``: US stocks. Listed real estate (REITs) has public return data only since
  1972 and has behaved like equity (correlation about 0.6-0.7, similar volatility);
- ``commodities``: inflation, i.e. a real return of 0 every year. Broad commodity prices have
  roughly kept pace with inflation over the long run; their own large swings are not modelled,
  so a commodity-heavy portfolio looks steadier here than it would be;
- ``cash``: inflation, i.e. a real return of 0 every year. Treasury bills have returned little
  more than inflation since the 1920s; the series has no short rate, and 0 % real is the
  cautious round figure;
- ``alternatives``: half stocks, half bonds, as in the parametric model.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

import numpy as np
import numpy.typing as npt

from alex.domain.arrays import FloatArray
from alex.domain.retirement.assumptions import SIMULATED_ASSET_CLASSES
from alex.domain.retirement.models import HISTORY_FIRST_YEAR, HISTORY_LAST_YEAR

IntArray = npt.NDArray[np.int64]

DATA_FILE: Final = "sp500-shiller-monthly.csv"
DATA_SOURCE: Final = "Shiller: S&P composite total return, 10-year US government bonds, CPI"
BOND_MATURITY_YEARS: Final = 10

HISTORICAL_SERIES: Final[Mapping[str, str]] = {
    "equity": "stocks",
    "fixed_income": "bonds",
    "real_estate": "stocks",
    "commodities": "inflation",
    "cash": "inflation",
}
"""Which historical series each simulated asset class follows (``inflation``: a real return of 0)."""

HISTORICAL_PROXIES: Final[Mapping[str, str]] = {
    "equity": "US stocks: S&P composite, price plus dividends",
    "fixed_income": "US 10-year government bonds, bought at par each January and sold a year later",
    "real_estate": "US stocks (REIT history is short, and REITs have moved with stocks)",
    "commodities": "inflation, a real return of 0 (their own volatility is not modelled)",
    "cash": "inflation, a real return of 0 (Treasury bills have earned little more)",
    "alternatives": "half US stocks, half US bonds",
}

_COLUMNS: Final = ("SP500", "Dividend", "Consumer Price Index", "Long Interest Rate")


@dataclass(frozen=True, slots=True)
class AnnualHistory:
    """Nominal annual returns (fractions: ``0.05`` is 5 %) of consecutive calendar years."""

    years: IntArray
    stocks: FloatArray
    bonds: FloatArray
    inflation: FloatArray

    @property
    def first_year(self) -> int:
        return int(self.years[0])

    @property
    def last_year(self) -> int:
        return int(self.years[-1])

    def window(self, first: int, last: int) -> AnnualHistory:
        """The calendar years ``first``..``last`` (both included; they must lie in the history)."""
        if not self.first_year <= first <= last <= self.last_year:
            raise ValueError(f"{first}-{last} is outside {self.first_year}-{self.last_year}")
        rows = slice(first - self.first_year, last - self.first_year + 1)
        return AnnualHistory(
            years=self.years[rows],
            stocks=self.stocks[rows],
            bonds=self.bonds[rows],
            inflation=self.inflation[rows],
        )

    def real_growth(self) -> FloatArray:
        """Real gross return ``1 + r`` by year and simulated asset class (proxies applied), (years, 5)."""
        deflator = 1 + self.inflation
        series = {
            "stocks": (1 + self.stocks) / deflator,
            "bonds": (1 + self.bonds) / deflator,
            "inflation": np.ones_like(deflator),
        }
        table: FloatArray = np.column_stack([series[HISTORICAL_SERIES[k]] for k in SIMULATED_ASSET_CLASSES])
        return table

    def nominal_returns(self) -> FloatArray:
        """Nominal return by year and simulated asset class (proxies applied), (years, 5)."""
        nominal: FloatArray = self.real_growth() * (1 + self.inflation)[:, None] - 1
        return nominal


def annual_history(monthly_csv: str) -> AnnualHistory:
    """Annual returns from the monthly CSV, for every complete year from the first one on.

    A year is complete when its twelve monthly dividends and both Januaries' price, CPI and long
    rate are present (non-zero); the history stops before the first year that is not.
    """
    months: dict[tuple[int, int], tuple[float, ...]] = {}
    for row in csv.DictReader(io.StringIO(monthly_csv)):
        year, month = int(row["Date"][:4]), int(row["Date"][5:7])
        months[year, month] = tuple(float(row[c]) for c in _COLUMNS)
    if not months:
        raise ValueError("the market history is empty")
    missing = (0.0, 0.0, 0.0, 0.0)
    years: list[int] = []
    stocks: list[float] = []
    bonds: list[float] = []
    inflation: list[float] = []
    year = min(months)[0]
    while True:
        price, _, cpi, rate = months.get((year, 1), missing)
        next_price, _, next_cpi, next_rate = months.get((year + 1, 1), missing)
        dividends = [months.get((year, m), missing)[1] for m in range(1, 13)]
        if min(price, cpi, rate, next_price, next_cpi, next_rate, *dividends) <= 0:  # 0: missing
            break
        years.append(year)
        stocks.append((next_price + sum(dividends) / 12) / price - 1)
        bonds.append(bond_return(rate / 100, next_rate / 100))
        inflation.append(next_cpi / cpi - 1)
        year += 1
    if not years:
        raise ValueError("the market history has no complete year")
    return AnnualHistory(
        years=np.array(years, dtype=np.int64),
        stocks=np.array(stocks),
        bonds=np.array(bonds),
        inflation=np.array(inflation),
    )


def bond_return(buy_yield: float, sell_yield: float, maturity: int = BOND_MATURITY_YEARS) -> float:
    """One year's return of a par bond bought at ``buy_yield`` and sold a year later at ``sell_yield``.

    The coupon is ``buy_yield``, paid once; the bond is then priced, with annual compounding,
    as a bond of ``maturity - 1`` years at ``sell_yield``.
    """
    remaining = maturity - 1
    discount = (1 + sell_yield) ** -remaining
    price = buy_yield * (1 - discount) / sell_yield + discount
    return buy_yield + price - 1


@functools.cache
def load_history() -> AnnualHistory:
    """The shipped history, read and converted once per process."""
    text = (resources.files("alex.domain.retirement") / "data" / DATA_FILE).read_text(encoding="utf-8")
    history = annual_history(text)
    if (history.first_year, history.last_year) != (HISTORY_FIRST_YEAR, HISTORY_LAST_YEAR):
        raise ValueError(
            f"the shipped history covers {history.first_year}-{history.last_year}, "
            f"not {HISTORY_FIRST_YEAR}-{HISTORY_LAST_YEAR}"
        )
    return history


def describe_data(first: int, last: int) -> str:
    """How a result names the history it used, e.g. "US 1926–2022 (Shiller: …)"."""
    return f"US {first}–{last} ({DATA_SOURCE})"
