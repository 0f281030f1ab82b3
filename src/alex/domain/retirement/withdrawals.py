"""Withdrawal strategies, vectorised over simulation paths (all amounts in today's money).

Each strategy is created on the first day of retirement from every path's portfolio value and
then asked, at the start of each retirement year, how much that year's withdrawal is. The
first-year amount is ``withdrawal_rate`` × the value at retirement, or ``target_income``; the
*initial withdrawal rate* of a path is that amount divided by its value at retirement, which
is what the percentage and guardrail rules compare against. See ``WithdrawalStrategy`` for
the rules themselves.

``previous_inflation`` is the past year's inflation on each path when the return method has
its own (the historical methods); without it the rules use the plan's assumed rate.
"""

from __future__ import annotations

from typing import Final, Protocol

import numpy as np

from alex.domain.arrays import FloatArray
from alex.domain.retirement.models import DEFAULT_WITHDRAWAL_RATE, RetirementParams, WithdrawalStrategy

GUYTON_KLINGER_NO_CUTS_YEARS: Final = 15
"""Guyton-Klinger's capital-preservation cut does not apply in the last 15 years of retirement."""


class Withdrawals(Protocol):
    def amount(
        self,
        *,
        year: int,
        value: FloatArray,
        previous_real_growth: FloatArray | None,
        previous_inflation: FloatArray | None = None,
    ) -> FloatArray:
        """This retirement year's withdrawal per path; ``year`` counts from 1."""
        ...


class ConstantReal:
    def __init__(self, first: FloatArray) -> None:
        self._first = first

    def amount(
        self,
        *,
        year: int,
        value: FloatArray,
        previous_real_growth: FloatArray | None,
        previous_inflation: FloatArray | None = None,
    ) -> FloatArray:
        return self._first


class PercentOfPortfolio:
    def __init__(self, first: FloatArray, initial_rate: FloatArray, *, floor: float, ceiling: float) -> None:
        self._rate = initial_rate
        self._floor = floor * first
        self._ceiling = ceiling * first

    def amount(
        self,
        *,
        year: int,
        value: FloatArray,
        previous_real_growth: FloatArray | None,
        previous_inflation: FloatArray | None = None,
    ) -> FloatArray:
        return np.clip(self._rate * value, self._floor, self._ceiling)


class GuytonKlinger:
    def __init__(
        self,
        first: FloatArray,
        initial_rate: FloatArray,
        *,
        retirement_years: int,
        inflation: float,
        guardrail: float,
        adjustment: float,
    ) -> None:
        self._current = first.copy()
        self._initial_rate = initial_rate
        self._retirement_years = retirement_years
        self._inflation = inflation
        self._upper = initial_rate * (1 + guardrail)
        self._lower = initial_rate * (1 - guardrail)
        self._adjustment = adjustment

    def amount(
        self,
        *,
        year: int,
        value: FloatArray,
        previous_real_growth: FloatArray | None,
        previous_inflation: FloatArray | None = None,
    ) -> FloatArray:
        if year == 1 or previous_real_growth is None:
            return self._current
        current = self._current
        inflation = self._inflation if previous_inflation is None else previous_inflation
        nominal_loss = previous_real_growth * (1 + inflation) < 1
        # Skipping the inflation raise is, in today's money, a cut by one year's inflation.
        frozen = nominal_loss & (_rate(current, value) > self._initial_rate)
        current = np.where(frozen, current / (1 + inflation), current)
        rate = _rate(current, value)
        cut = rate > self._upper
        if self._retirement_years - year + 1 <= GUYTON_KLINGER_NO_CUTS_YEARS:
            cut = np.zeros_like(cut)
        raised = rate < self._lower
        current = np.where(
            cut, current * (1 - self._adjustment), np.where(raised, current * (1 + self._adjustment), current)
        )
        self._current = current
        return current


def _rate(amount: FloatArray, value: FloatArray) -> FloatArray:
    """Withdrawal as a fraction of value; infinite for an empty portfolio."""
    return np.divide(amount, value, out=np.full_like(amount, np.inf), where=value > 0)


def start_withdrawals(params: RetirementParams, value_at_retirement: FloatArray) -> Withdrawals:
    """The strategy of ``params``, set up from each path's value on the first day of retirement."""
    if params.target_income is not None:
        first = np.full_like(value_at_retirement, float(params.target_income))
    else:
        rate = DEFAULT_WITHDRAWAL_RATE if params.withdrawal_rate is None else params.withdrawal_rate
        first = value_at_retirement * (rate / 100)
    initial_rate = np.divide(
        first, value_at_retirement, out=np.zeros_like(first), where=value_at_retirement > 0
    )
    strategy = params.strategy
    if strategy is WithdrawalStrategy.PERCENT_OF_PORTFOLIO:
        return PercentOfPortfolio(
            first, initial_rate, floor=params.floor_percent / 100, ceiling=params.ceiling_percent / 100
        )
    if strategy is WithdrawalStrategy.GUYTON_KLINGER:
        return GuytonKlinger(
            first,
            initial_rate,
            retirement_years=params.retirement_years,
            inflation=params.inflation / 100,
            guardrail=params.guardrail_percent / 100,
            adjustment=params.adjustment_percent / 100,
        )
    return ConstantReal(first)
