"""How the input guardrail does on a labelled corpus: what it misses, what it flags, and the rates.

Every injection corpus (``injection_corpus``, ``injection_tuning``, ``injection_tuning2``,
``injection_heldout``) holds ``INJECTIONS`` as (text, family) and ``ORDINARY`` as (text, kind) and
exposes ``misses``, ``false_positives`` and ``rates`` made here, so the tests and the benchmark
measure each one the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from alex.guardrails.input import scan

Labelled = Sequence[tuple[str, str]]
Measures = tuple[
    Callable[[], list[tuple[str, str]]],
    Callable[[], list[tuple[str, str]]],
    Callable[[], tuple[float, float]],
]


def measures(injections: Labelled, ordinary: Labelled) -> Measures:
    """``misses`` (injections ``scan`` finds nothing in), ``false_positives`` (ordinary texts it
    flags) and ``rates`` (detection rate, false-positive rate) of one corpus."""

    def misses() -> list[tuple[str, str]]:
        return [(text, family) for text, family in injections if not scan(text)]

    def false_positives() -> list[tuple[str, str]]:
        return [(text, kind) for text, kind in ordinary if scan(text)]

    def rates() -> tuple[float, float]:
        return 1 - len(misses()) / len(injections), len(false_positives()) / len(ordinary)

    return misses, false_positives, rates
