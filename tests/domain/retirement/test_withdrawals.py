import numpy as np

from alex.domain.retirement.withdrawals import ConstantReal, GuytonKlinger, PercentOfPortfolio


def _guardrails(retirement_years: int = 30) -> GuytonKlinger:
    first = np.full(4, 5_000.0)
    return GuytonKlinger(
        first,
        np.full(4, 0.05),  # started at 5 % of $100,000
        retirement_years=retirement_years,
        inflation=0.03,
        guardrail=0.2,
        adjustment=0.1,
    )


def test_guyton_klinger_decision_rules() -> None:
    rule = _guardrails()
    assert (
        rule.amount(year=1, value=np.full(4, 100_000.0), previous_real_growth=None).tolist() == [5_000.0] * 4
    )
    value = np.array([100_000.0, 70_000.0, 150_000.0, 80_000.0])
    growth = np.array([1.0, 1.0, 1.0, 0.9])  # path 4 lost money in nominal terms last year
    amount = rule.amount(year=2, value=value, previous_real_growth=growth)
    assert amount[0] == 5_000.0  # 5 %: inside the guardrails
    assert amount[1] == 4_500.0  # 7.1 % > 6 %: capital preservation cut of 10 %
    assert amount[2] == 5_500.0  # 3.3 % < 4 %: prosperity raise of 10 %
    # Loss year at 6.25 % > 5 %: the inflation raise is skipped; still 6.07 % > 6 %, so also cut.
    assert np.isclose(amount[3], 5_000.0 / 1.03 * 0.9)


def test_guyton_klinger_does_not_cut_in_the_last_15_years() -> None:
    rule = _guardrails(retirement_years=16)
    rule.amount(year=1, value=np.full(4, 100_000.0), previous_real_growth=None)
    amount = rule.amount(year=2, value=np.full(4, 50_000.0), previous_real_growth=np.ones(4))
    assert amount.tolist() == [5_000.0] * 4


def test_percent_of_portfolio_is_clamped_between_floor_and_ceiling() -> None:
    rule = PercentOfPortfolio(np.full(3, 4_000.0), np.full(3, 0.04), floor=0.8, ceiling=1.5)
    amount = rule.amount(year=2, value=np.array([50_000.0, 100_000.0, 500_000.0]), previous_real_growth=None)
    assert amount.tolist() == [3_200.0, 4_000.0, 6_000.0]


def test_constant_real_never_changes() -> None:
    rule = ConstantReal(np.full(2, 4_000.0))
    assert rule.amount(year=9, value=np.zeros(2), previous_real_growth=np.ones(2)).tolist() == [4_000.0] * 2


def test_guyton_klinger_uses_each_paths_own_inflation_when_given() -> None:
    value = np.full(4, 90_000.0)  # 5.6 %: above the initial 5 %, inside the 6 % guardrail
    growth = np.full(4, 0.98)  # a real loss of 2 % last year

    assumed = _guardrails()  # 3 % inflation: 0.98 × 1.03 > 1 is a nominal gain, so no freeze
    assumed.amount(year=1, value=np.full(4, 100_000.0), previous_real_growth=None)
    assert assumed.amount(year=2, value=value, previous_real_growth=growth).tolist() == [5_000.0] * 4

    actual = _guardrails()
    actual.amount(year=1, value=np.full(4, 100_000.0), previous_real_growth=None)
    inflation = np.array([0.01, 0.01, 0.10, 0.10])  # what each path's history actually did
    amount = actual.amount(year=2, value=value, previous_real_growth=growth, previous_inflation=inflation)
    # 0.98 × 1.01 < 1, a nominal loss: the raise for that 1 % is skipped. 0.98 × 1.10 > 1: it is not.
    assert np.allclose(amount, [5_000.0 / 1.01, 5_000.0 / 1.01, 5_000.0, 5_000.0])
