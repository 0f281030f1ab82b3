"""What the guardrails cost one analysis, next to what the analysis itself costs, side by side.

Run: ``.venv/bin/python benchmarks/guardrails_benchmark.py``

On the demo portfolio (16 holdings, 3 accounts): computing the facts (analytics + Monte Carlo
at the test suite's 1,000 paths), then the guardrail work a model-backed analysis adds: cleaning every string
of the three writers' data blocks (input guardrail), building the grounding index once, and
checking a report-sized text, three times (one first answer and two re-asks); and the three
offline writers, which every analysis runs without a model and as every fallback.

Then how well the grounding check tells grounded sentences from ungrounded ones, on the test
suite's labelled corpus about the same demo analysis ("ungrounded" is the positive class:
precision is the share of rejected sentences that are ungrounded, recall the share of
ungrounded sentences rejected), and the sentences it gets wrong.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from alex.agents import briefs, charter
from alex.analysis.fact_index import Grounder
from alex.analysis.offline.charter import write_charts
from alex.analysis.offline.reporter import write_report
from alex.analysis.offline.retirement_writer import write_retirement

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test suite's demo portfolio and corpus
from tests.guardrails.grounding_corpus import (
    GROUNDED,
    HELD_OUT_GROUNDED,
    HELD_OUT_UNGROUNDED,
    UNGROUNDED,
    Rates,
    rates,
)
from tests.support.portfolios import demo_facts, demo_portfolio, facts_for, instruments

RUNS = 15


def median_ms(work: Callable[[], object]) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    facts = facts_for(demo_portfolio())
    known = {holding.symbol for holding in facts.holdings} | {"XLE", "XLK", "TSLA"}
    report = write_report(facts)
    text = "\n\n".join(
        [report.content, write_retirement(facts).analysis, *(r.reasoning for r in report.recommendations)]
    )

    def guard() -> None:
        for tag, data in (
            ("portfolio_facts", briefs.portfolio_facts(facts)),
            ("available_charts", charter.menu(facts)),
            ("retirement_facts", briefs.retirement_facts(facts)),
        ):
            briefs.render(tag, data, task="task")
        grounder = Grounder.for_facts(facts, known_tickers=known)
        for _ in range(3):
            assert grounder.check(text).grounded

    def offline_writers() -> None:
        write_report(facts)
        write_charts(facts)
        write_retirement(facts)

    analysis = median_ms(lambda: facts_for(demo_portfolio()))
    guardrails = median_ms(guard)
    writers = median_ms(offline_writers)
    print(f"Guardrails per analysis (demo portfolio, median of {RUNS}; report text {len(text):,} chars)")
    print(f"  facts (analytics + Monte Carlo):        {analysis:8.1f} ms")
    print(f"  guardrails (clean data, ground x3):     {guardrails:8.1f} ms")
    print(f"  offline writers (report, charts, text): {writers:8.1f} ms")
    print(f"  ratio guardrails / facts:               {guardrails / analysis:8.2f}")
    print(f"  ratio offline writers / facts:          {writers / analysis:8.2f}")
    corpus()


def corpus() -> None:
    facts = demo_facts()
    grounder = Grounder.for_facts(facts, known_tickers=instruments())
    batches = {
        "corpus": rates(grounder, facts),
        "held-out batch": rates(
            grounder, facts, grounded_templates=HELD_OUT_GROUNDED, ungrounded_templates=HELD_OUT_UNGROUNDED
        ),
    }
    sizes = {
        "corpus": (len(GROUNDED), len(UNGROUNDED)),
        "held-out batch": (len(HELD_OUT_GROUNDED), len(HELD_OUT_UNGROUNDED)),
    }
    print("\nGrounding check on labelled sentences about the demo analysis (positive: ungrounded)")
    for name, result in batches.items():
        grounded, ungrounded = sizes[name]
        print(
            f"  {name + ':':<16} {grounded} grounded, {ungrounded} ungrounded; "
            f"precision {result.precision:6.1%}, recall {result.recall:6.1%}"
        )
        report(result)


def report(result: Rates) -> None:
    for text in result.rejected_grounded:
        print(f"    rejected though grounded: {text!r}")
    for text, problem in result.passed_ungrounded:
        print(f"    passed though ungrounded: {text!r} ({problem})")


if __name__ == "__main__":
    main()
