"""The offline writers never fail and never invent a number, whatever the portfolio looks like."""

import json
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alex.analysis.fact_index import Grounder
from alex.analysis.facts import build_facts
from alex.analysis.offline.charter import write_charts
from alex.analysis.offline.reporter import write_report
from alex.analysis.offline.retirement_writer import write_retirement
from alex.analysis.payloads import charts_payload, report_payload, retirement_payload, summary_payload
from alex.domain.portfolio.models import Account, Instrument, Portfolio, Position
from tests.domain.builders import portfolios
from tests.support.portfolios import PROFILE, WHEN, instruments


def _check_all_writers(portfolio: Portfolio, *, years: int = 20, income: int = 60000) -> None:
    profile = replace(PROFILE, years_until_retirement=years, target_retirement_income=Decimal(income))
    facts = build_facts(profile=profile, portfolio=portfolio, paths=100, seed=3, generated_at=WHEN)
    report, charts, retirement = write_report(facts), write_charts(facts), write_retirement(facts)
    json.dumps(
        [
            report_payload(report, generated_at=WHEN),
            charts_payload(charts),
            retirement_payload(retirement, facts=facts, generated_at=WHEN),
            summary_payload(facts),
        ]
    )
    texts = [report.content, retirement.analysis]
    texts += [f"{r.title} {r.reasoning} {r.impact}" for r in report.recommendations]
    grounder = Grounder.for_facts(facts, known_tickers=instruments())
    for text in texts:
        grounding = grounder.check(text)
        assert grounding.grounded, grounding.describe()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    portfolio=portfolios(max_accounts=3),
    years=st.integers(min_value=0, max_value=70),
    income=st.sampled_from([0, 1000, 60000, 250000]),
)
def test_any_portfolio_gets_valid_grounded_outputs(portfolio: Portfolio, years: int, income: int) -> None:
    _check_all_writers(portfolio, years=years, income=income)


def test_long_names_and_many_holdings_stay_within_the_output_limits() -> None:
    catalog = list(instruments().values())
    unpriced = [
        Instrument(symbol=f"NEW{i}", name=f"New {i}", instrument_type="stock", price=None) for i in range(40)
    ]
    accounts = tuple(
        Account(
            id=f"a{i}",
            name=f"My very long account name number {i} " + "x" * 200,
            account_type="taxable",
            cash_balance=Decimal(1000 * i),
            positions=tuple(
                Position(
                    id=f"a{i}-{inst.symbol}", symbol=inst.symbol, quantity=Decimal(3 + i), instrument=inst
                )
                for inst in [*catalog, *unpriced]
            ),
        )
        for i in range(6)
    )
    _check_all_writers(Portfolio(accounts=accounts))
