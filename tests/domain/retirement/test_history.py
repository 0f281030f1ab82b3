"""The shipped US history and the annual returns derived from it."""

import numpy as np
import pytest

from alex.domain.retirement.assumptions import SIMULATED_ASSET_CLASSES
from alex.domain.retirement.history import (
    HISTORICAL_PROXIES,
    AnnualHistory,
    annual_history,
    bond_return,
    load_history,
)
from alex.domain.retirement.models import HISTORY_FIRST_YEAR, HISTORY_LAST_YEAR
from alex.domain.taxonomy import AssetClass

HEADER = (
    "Date,SP500,Dividend,Earnings,Consumer Price Index,Long Interest Rate,"
    "Real Price,Real Dividend,Real Earnings,PE10"
)


def _month(date: str, price: float, dividend: float, cpi: float, rate: float) -> str:
    return f"{date},{price},{dividend},1.0,{cpi},{rate},0.0,0.0,0.0,0.0"


def _synthetic() -> str:
    rows = [HEADER]
    for month in range(1, 13):  # 2000: $2.40 a year of dividends, paid monthly
        rows.append(_month(f"2000-{month:02d}-01", 100.0 if month == 1 else 99.0, 2.4, 200.0, 5.0))
    for month in range(1, 13):  # 2001: the long rate rises from 5 % to 6 %
        rows.append(_month(f"2001-{month:02d}-01", 110.0 if month == 1 else 99.0, 3.6, 210.0, 5.0))
    rows.append(_month("2002-01-01", 99.0, 3.6, 210.0, 6.0))
    rows.append(_month("2003-01-01", 120.0, 0.0, 0.0, 0.0))  # a 0 is missing: 2002 is incomplete
    return "\n".join(rows) + "\n"


def test_annual_returns_follow_the_published_conventions_on_hand_made_rows() -> None:
    history = annual_history(_synthetic())
    assert history.years.tolist() == [2000, 2001]
    # Stocks: (next January's price + the year's dividends) / January's price - 1.
    assert history.stocks[0] == pytest.approx((110 + 12 * 2.4 / 12) / 100 - 1)  # 12.4 %
    assert history.stocks[1] == pytest.approx((99 + 12 * 3.6 / 12) / 110 - 1)  # -6.73 %
    # Bonds: a par bond at 5 % that is still priced at 5 % returns its coupon exactly.
    assert history.bonds[0] == pytest.approx(0.05, abs=1e-12)
    # ... and loses when the rate rises to 6 %: 0.05 + (0.05 * a(9, 6 %) + 1.06^-9) - 1.
    discount = 1.06**-9  # 0.591898
    assert history.bonds[1] == pytest.approx(0.05 + 0.05 * (1 - discount) / 0.06 + discount - 1)
    assert history.bonds[1] == pytest.approx(-0.018017, abs=1e-6)
    # Inflation: next January's CPI / this January's CPI - 1.
    assert history.inflation.tolist() == pytest.approx([0.05, 0.0])


def test_bond_return_is_coupon_plus_price_change() -> None:
    assert bond_return(0.04, 0.04) == pytest.approx(0.04, abs=1e-12)
    assert bond_return(0.05, 0.04) > 0.05  # falling rates: a capital gain
    assert bond_return(0.05, 0.10) < 0  # sharply rising rates: a loss


def test_shipped_history_covers_1871_to_2022() -> None:
    history = load_history()
    assert (history.first_year, history.last_year) == (HISTORY_FIRST_YEAR, HISTORY_LAST_YEAR) == (1871, 2022)
    assert history.years.tolist() == list(range(1871, 2023))
    assert load_history() is history  # read once


@pytest.mark.parametrize(
    ("year", "stocks", "bonds", "inflation"),
    [
        # January 1926 price 12.65, 1926 dividends summing to 7.785, January 1927 price 13.4;
        # long rate 3.68 % then 3.34 %; CPI 17.9 then 17.5.
        (
            1926,
            (13.4 + 7.785 / 12) / 12.65 - 1,
            0.0368 + 0.0368 * (1 - 1.0334**-9) / 0.0334 + 1.0334**-9 - 1,
            17.5 / 17.9 - 1,
        ),
        # 1931: the crash (15.98 to 8.30, dividends summing to 10.72), deflation (15.9 to 14.3).
        (
            1931,
            (8.3 + 10.72 / 12) / 15.98 - 1,
            0.0334 + 0.0334 * (1 - 1.0368**-9) / 0.0368 + 1.0368**-9 - 1,
            14.3 / 15.9 - 1,
        ),
        # 2022, the last complete year: the long rate doubled from 1.76 % to 3.53 %.
        (
            2022,
            None,
            0.0176 + 0.0176 * (1 - 1.0353**-9) / 0.0353 + 1.0353**-9 - 1,
            299.17 / 281.15 - 1,
        ),
    ],
)
def test_known_years_from_the_shipped_rows(
    year: int, stocks: float | None, bonds: float, inflation: float
) -> None:
    one = load_history().window(year, year)
    if stocks is not None:
        assert one.stocks[0] == pytest.approx(stocks, abs=1e-12)
    assert one.bonds[0] == pytest.approx(bonds, abs=1e-9)
    assert one.inflation[0] == pytest.approx(inflation, abs=1e-12)


def test_rounded_figures_of_famous_years() -> None:
    history = load_history()

    def year(y: int) -> AnnualHistory:
        return history.window(y, y)

    assert year(1926).stocks[0] == pytest.approx(0.1106, abs=1e-4)
    assert year(1931).stocks[0] == pytest.approx(-0.4247, abs=1e-4)
    assert year(2022).stocks[0] == pytest.approx(-0.1201, abs=1e-4)
    assert year(2022).bonds[0] == pytest.approx(-0.1169, abs=1e-4)
    assert year(2022).inflation[0] == pytest.approx(0.0641, abs=1e-4)


def test_window_selects_inclusive_calendar_years() -> None:
    window = load_history().window(1926, 1935)
    assert window.years.tolist() == list(range(1926, 1936))
    with pytest.raises(ValueError, match="outside"):
        load_history().window(1860, 1900)


def test_proxies_map_every_asset_class() -> None:
    window = load_history().window(1960, 1969)
    real = window.real_growth()
    column = dict(zip(SIMULATED_ASSET_CLASSES, real.T, strict=True))
    assert np.allclose(column["equity"], (1 + window.stocks) / (1 + window.inflation))
    assert np.allclose(column["fixed_income"], (1 + window.bonds) / (1 + window.inflation))
    assert np.array_equal(column["real_estate"], column["equity"])
    assert np.array_equal(column["commodities"], np.ones(10))
    assert np.array_equal(column["cash"], np.ones(10))
    assert np.allclose(window.nominal_returns()[:, SIMULATED_ASSET_CLASSES.index("cash")], window.inflation)
    assert set(HISTORICAL_PROXIES) == {a.value for a in AssetClass}
