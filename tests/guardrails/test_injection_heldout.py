"""The input guardrail on a corpus kept out of tuning: what it detects of attack styles it was not fitted to.

Measured once after each round of work on the guardrail, never looked into: 42.9 % detected and
0.9 % of ordinary text flagged before the weak-signal score, 70.2 % and 1.1 % after its first round,
74.5 % and 1.1 % after the second. The floor guards that ground; it is not a target to tune
towards: an item that shaped a pattern moves to a tuning corpus.
"""

from __future__ import annotations

from tests.guardrails import injection_heldout


def test_the_held_out_corpus_is_big_enough() -> None:
    assert len(injection_heldout.INJECTIONS) >= 150
    assert len(injection_heldout.ORDINARY) >= 300


def test_detection_and_false_positives_on_text_the_guardrail_was_not_tuned_on() -> None:
    detection, false_positive = injection_heldout.rates()
    assert detection >= 0.74
    assert false_positive <= 0.02
