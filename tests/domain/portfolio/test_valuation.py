from decimal import Decimal

import pytest
from hypothesis import given

from alex.domain.portfolio.models import Account, Instrument, Portfolio, Position
from alex.domain.portfolio.valuation import value_portfolio

from ..builders import BND, SPY, account, instrument, portfolios


def test_values_positions_accounts_and_total_with_cash() -> None:
    valuation = value_portfolio(
        Portfolio((account("a", (SPY, "10"), (BND, "3.5"), cash="100.005"), account("b", cash="50")))
    )
    first = valuation.accounts[0]
    assert [p.value for p in first.positions] == [Decimal("4502.50"), Decimal("253.75")]
    assert first.cash == Decimal("100.00")  # banker's rounding to the cent
    assert first.total == Decimal("4856.25")
    assert valuation.cash == Decimal("150.00")
    assert valuation.invested == Decimal("4756.25")
    assert valuation.total == Decimal("4906.25")
    assert valuation.warnings == ()


def test_position_without_price_is_a_warning_not_a_guess() -> None:
    mystery = instrument("VTI", None, asset={"equity": 100})
    valuation = value_portfolio(Portfolio((account("a", (SPY, "1"), (mystery, "100"), name="401k"),)))
    assert valuation.total == Decimal("450.25")
    assert valuation.accounts[0].positions[1].value is None
    (warning,) = valuation.warnings
    assert (warning.code, warning.symbol, warning.position_id) == ("missing_price", "VTI", "a-VTI")
    assert "VTI in 401k has no price" in warning.message
    assert "100 units" in warning.message


def test_invalid_records_are_refused() -> None:
    with pytest.raises(ValueError, match="quantity"):
        Position(id="p", symbol="X", quantity=Decimal(-1), instrument=SPY)
    with pytest.raises(ValueError, match="cash"):
        Account(id="a", name="a", account_type="taxable", cash_balance=Decimal(-1))
    with pytest.raises(ValueError, match="price"):
        Instrument(symbol="X", name="X", instrument_type="etf", price=Decimal(-1))


def test_needs_classification() -> None:
    assert not SPY.needs_classification
    assert instrument("X", "1", asset={"equity": 100}).needs_classification
    assert instrument(
        "Y", "1", asset={"equity": 100}, regions={"europe": 100}, sectors={"other": 100}, unclassified=True
    ).needs_classification


@given(portfolios())
def test_valuation_is_additive_over_accounts(portfolio: Portfolio) -> None:
    whole = value_portfolio(portfolio)
    parts = [value_portfolio(Portfolio((a,))) for a in portfolio.accounts]
    assert whole.total == sum((p.total for p in parts), Decimal(0))
    assert whole.cash == sum((p.cash for p in parts), Decimal(0))
    assert len(whole.warnings) == sum(len(p.warnings) for p in parts)
