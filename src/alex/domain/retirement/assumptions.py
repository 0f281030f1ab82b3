"""Capital-market assumptions for the retirement Monte Carlo: returns, volatilities, correlations.

Defaults (nominal, arithmetic annual mean / standard deviation, in percent)::

    asset class     mean   volatility
    equity           7.0     17.0
    fixed_income     4.0      6.0
    real_estate      6.0     15.0
    commodities      4.0     16.0
    cash             2.5      1.0
    inflation        2.5   (deterministic; every output is in today's money)

Correlations (of the log returns, same order)::

                  equity  fixed_income  real_estate  commodities  cash
    equity         1.00      0.10          0.70         0.30      0.00
    fixed_income   0.10      1.00          0.30         0.00      0.20
    real_estate    0.70      0.30          1.00         0.25      0.00
    commodities    0.30      0.00          0.25         1.00      0.05
    cash           0.00      0.20          0.00         0.05      1.00

Where they come from. The volatilities and correlations are rounded long-run figures from
annual US data: Damodaran, "Historical Returns on Stocks, Bonds, Bills, Real Estate and Gold"
(NYU Stern, 1928-2024: S&P 500 standard deviation about 19-20 %, 10-year Treasuries about 8 %,
T-bills about 3 %; REITs and broad commodities roughly as volatile as stocks), with REITs
strongly and commodities weakly correlated with stocks, and bonds near zero. The means are
deliberately below that history (S&P 500 arithmetic average about 11.7 %, Treasuries about
4.9 %, bills about 3.3 % nominal): they are in line with published forward-looking long-term
capital-market assumptions of large asset managers (for example J.P. Morgan's annual
Long-Term Capital Market Assumptions and Vanguard's Capital Markets Model outlooks), which
expect lower stock and bond returns than the 20th century delivered. Inflation of 2.5 % sits
between the Federal Reserve's 2 % target and the ~3 % US average since 1926. The reference
implementation's figures (stocks 7 %/18 %, bonds 4 %/5 %, real estate 6 %/12 %, cash 2 %,
inflation 3 %) are close, but it treated commodities as earning nothing and ignored correlation.

Model. Each year, every asset class's gross return ``1 + r`` is lognormal with the mean and
volatility above (moment-matched, so a return can never fall below -100 %), the log returns
are jointly normal with the correlations above, and the portfolio is rebalanced to its
allocation once a year. ``alternatives`` (hedge funds, private equity, ...) have no reliable
public return history; they are modelled as half equity, half fixed income
(``ALTERNATIVES_PROXY``), a middle-of-the-road risk profile.

These are assumptions, not forecasts: every result carries them so a reader can judge them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from alex.domain.taxonomy import AssetClass

SIMULATED_ASSET_CLASSES: Final = (
    AssetClass.EQUITY.value,
    AssetClass.FIXED_INCOME.value,
    AssetClass.REAL_ESTATE.value,
    AssetClass.COMMODITIES.value,
    AssetClass.CASH.value,
)
"""The five asset classes with their own return process, in matrix order."""

ALTERNATIVES_PROXY: Final[Mapping[str, float]] = {
    AssetClass.EQUITY.value: 0.5,
    AssetClass.FIXED_INCOME.value: 0.5,
}
"""How one unit of ``alternatives`` is simulated."""

DEFAULT_INFLATION: Final = 2.5
"""Percent a year."""

DEFAULT_RETURNS: Final[Mapping[str, float]] = {
    "equity": 7.0,
    "fixed_income": 4.0,
    "real_estate": 6.0,
    "commodities": 4.0,
    "cash": 2.5,
}
DEFAULT_VOLATILITIES: Final[Mapping[str, float]] = {
    "equity": 17.0,
    "fixed_income": 6.0,
    "real_estate": 15.0,
    "commodities": 16.0,
    "cash": 1.0,
}
_DEFAULT_CORRELATION_ROWS: Final = (
    (1.00, 0.10, 0.70, 0.30, 0.00),
    (0.10, 1.00, 0.30, 0.00, 0.20),
    (0.70, 0.30, 1.00, 0.25, 0.00),
    (0.30, 0.00, 0.25, 1.00, 0.05),
    (0.00, 0.20, 0.00, 0.05, 1.00),
)
DEFAULT_CORRELATIONS: Final[Mapping[str, Mapping[str, float]]] = {
    row_name: dict(zip(SIMULATED_ASSET_CLASSES, row, strict=True))
    for row_name, row in zip(SIMULATED_ASSET_CLASSES, _DEFAULT_CORRELATION_ROWS, strict=True)
}


@dataclass(frozen=True, slots=True)
class CapitalMarketAssumptions:
    """Mean return and volatility (percent a year, nominal) per asset class, and their correlations.

    Validated on construction: all five simulated asset classes present, volatilities
    non-negative, means above -100 %, correlations symmetric with a unit diagonal and positive
    definite (a matrix that is not cannot describe real assets).
    """

    returns: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RETURNS))
    volatilities: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_VOLATILITIES))
    correlations: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_CORRELATIONS.items()}
    )

    def __post_init__(self) -> None:
        expected = set(SIMULATED_ASSET_CLASSES)
        for name, table in (("returns", self.returns), ("volatilities", self.volatilities)):
            if set(table) != expected:
                raise ValueError(f"{name} must give exactly {sorted(expected)}")
        if any(self.returns[k] <= -100 for k in expected):
            raise ValueError("returns must be above -100 %")
        if any(self.volatilities[k] < 0 for k in expected):
            raise ValueError("volatilities must not be negative")
        if set(self.correlations) != expected or any(
            set(row) != expected for row in self.correlations.values()
        ):
            raise ValueError(f"correlations must be a full matrix over {sorted(expected)}")
        matrix = self.correlation_matrix()
        if not np.allclose(matrix, matrix.T) or not np.allclose(np.diag(matrix), 1.0):
            raise ValueError("correlations must be symmetric with 1 on the diagonal")
        if np.linalg.eigvalsh(matrix).min() <= 0:
            raise ValueError("correlations must form a positive definite matrix")

    def mean_vector(self) -> npt.NDArray[np.float64]:
        """Arithmetic means as fractions, in ``SIMULATED_ASSET_CLASSES`` order."""
        return np.array([self.returns[k] / 100 for k in SIMULATED_ASSET_CLASSES])

    def volatility_vector(self) -> npt.NDArray[np.float64]:
        return np.array([self.volatilities[k] / 100 for k in SIMULATED_ASSET_CLASSES])

    def correlation_matrix(self) -> npt.NDArray[np.float64]:
        return np.array(
            [[self.correlations[r][c] for c in SIMULATED_ASSET_CLASSES] for r in SIMULATED_ASSET_CLASSES]
        )


DEFAULT_ASSUMPTIONS: Final = CapitalMarketAssumptions()
