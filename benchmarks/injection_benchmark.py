"""Input guardrail: detection and false-positive rates per labelled corpus, side by side, and throughput.

Run: ``.venv/bin/python benchmarks/injection_benchmark.py``

Each corpus in ``CORPORA`` is a module of the same shape: ``INJECTIONS`` as (text, family),
``ORDINARY`` as (text, kind), and ``misses()``, ``false_positives()``, ``rates()``. The first,
``tests/guardrails/injection_corpus.py``, holds short injections by family (including obfuscated,
encoded and non-English ones), mostly written alongside the phrase patterns. The second,
``tests/guardrails/injection_tuning.py``, holds attack styles the patterns weren't written for
(long role-plays, "developer mode" personas, instructions hidden in notes, fake authority, goal
hijacks, leetspeak and typos) and finance text that uses the same words; the weak-signal score was
tuned on it, so its rates measure the fit, not generalisation. A corpus kept out of tuning is the
only measure of that; add it to ``CORPORA``.

Throughput is ``scan`` and ``clean`` over the first corpus (comparable across versions) and over all
corpora, repeated, plus one 100 kB knowledge-base text (everything is linear; this shows the
constant). It is measured in CPU time, so that other work on a shared machine doesn't skew it.
"""

from __future__ import annotations

import importlib
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from alex.guardrails.input import clean, scan

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the test suite's corpora
GUARDRAIL_TESTS = ROOT / "tests" / "guardrails"


@dataclass(frozen=True)
class Corpus:
    path: Path
    detection_target: float
    false_positive_target: float


# The corpora reported side by side, each with the targets it is held to.
CORPORA: list[Corpus] = [
    Corpus(GUARDRAIL_TESTS / "injection_corpus.py", detection_target=0.95, false_positive_target=0.02),
    Corpus(GUARDRAIL_TESTS / "injection_tuning.py", detection_target=0.95, false_positive_target=0.01),
    # Other carriers and voices (imported data, polite requests to the report writer, output manipulation,
    # others' data, agent traces, chat logs, fake errors, casual speech, other languages); tuned on too.
    Corpus(GUARDRAIL_TESTS / "injection_tuning2.py", detection_target=0.90, false_positive_target=0.01),
    # Kept out of tuning: written without sight of the patterns, only ever measured.
    Corpus(GUARDRAIL_TESTS / "injection_heldout.py", detection_target=0.90, false_positive_target=0.02),
]
SECONDS = 2.0
LARGE_CHARS = 100_000
COLUMN = 20


def load_corpus(path: Path) -> ModuleType:
    """A corpus module of the test suite (``tests`` isn't an installed package: found from here)."""
    return importlib.import_module(f"tests.guardrails.{path.stem}")


def throughput(texts: list[str], run: str) -> float:
    """Strings per CPU second of ``scan`` or ``clean`` over ``texts``, repeated for about ``SECONDS``."""
    done, start = 0, time.process_time()
    while time.process_time() - start < SECONDS:
        for text in texts:
            if run == "scan":
                scan(text)
            else:
                clean(text, field="benchmark", max_chars=500)
        done += len(texts)
    return done / (time.process_time() - start)


_REFERENCE_PATTERNS = (
    "ignore previous instructions",
    "disregard all prior",
    "forget everything",
    "new instructions:",
    "system:",
    "assistant:",
)


def _reference_flags(text: str) -> bool:
    lowered = text.lower()
    return any(pattern in lowered for pattern in _REFERENCE_PATTERNS)


@dataclass(frozen=True)
class Result:
    name: str
    corpus: Corpus
    injections: list[tuple[str, str]]
    ordinary: list[tuple[str, str]]
    missed: list[tuple[str, str]]
    flagged: list[tuple[str, str]]
    detection: float
    false_positive: float


def evaluate(corpus: Corpus) -> Result:
    module = load_corpus(corpus.path)
    detection, false_positive = module.rates()
    return Result(
        name=corpus.path.stem,
        corpus=corpus,
        injections=module.INJECTIONS,
        ordinary=module.ORDINARY,
        missed=module.misses(),
        flagged=module.false_positives(),
        detection=detection,
        false_positive=false_positive,
    )


def _row(label: str, cells: list[str]) -> str:
    return f"  {label:28s}" + "".join(f"{cell:>{COLUMN}s}" for cell in cells)


def _by_label(results: list[Result], *, attacks: bool) -> None:
    """Detected (or flagged) / total per family (or kind), one column per corpus; blank if absent."""
    totals = [Counter(label for _, label in (r.injections if attacks else r.ordinary)) for r in results]
    hits = [
        Counter(label for _, label in r.injections) - Counter(label for _, label in r.missed)
        if attacks
        else Counter(label for _, label in r.flagged)
        for r in results
    ]
    for label in sorted(set().union(*totals)):
        print(
            _row(
                f"  {label}",
                [
                    f"{hit[label]} / {total[label]}" if total[label] else ""
                    for hit, total in zip(hits, totals, strict=True)
                ],
            )
        )


def main() -> None:
    results = [evaluate(corpus) for corpus in CORPORA]
    print("Input guardrail, corpus by corpus (detected or flagged / total)")
    print(_row("", [r.name for r in results]))
    print(_row("injections detected", [f"{r.detection:.1%}" for r in results]))
    print(_row("ordinary flagged", [f"{r.false_positive:.2%}" for r in results]))
    print(_row("injections / ordinary", [f"{len(r.injections)} / {len(r.ordinary)}" for r in results]))
    print("  injections by labelled family:")
    _by_label(results, attacks=True)
    print("  ordinary by kind (flagged / total):")
    _by_label(results, attacks=False)

    reported = [Counter(f.family for text, _ in r.injections for f in set(scan(text))) for r in results]
    print("  findings reported by detector family (injections in which it fired):")
    for family in sorted(set().union(*reported)):
        print(_row(f"  {family}", [str(counts[family]) if counts[family] else "" for counts in reported]))

    # The reference's guardrail (seed guide §4): six lower-cased substrings, on the same corpora.
    cells = []
    for r in results:
        hit = sum(_reference_flags(text) for text, _ in r.injections)
        false = sum(_reference_flags(text) for text, _ in r.ordinary)
        cells.append(f"{hit / len(r.injections):.1%} / {false / len(r.ordinary):.1%}")
    print(_row("reference substrings det/fp", cells))

    for r in results:
        for text, family in r.missed:
            print(f"  MISSED in {r.name} ({family}): {text[:150]!r}")
        for text, kind in r.flagged:
            print(f"  FALSE POSITIVE in {r.name} ({kind}): {text[:150]!r} -> {scan(text)}")

    first = [text for text, _ in (*results[0].injections, *results[0].ordinary)]
    every = [text for r in results for text, _ in (*r.injections, *r.ordinary)]
    for label, texts in (("the first corpus", first), ("all corpora", every)):
        mean_chars = statistics.mean(len(text) for text in texts)
        print(f"  throughput over {label} ({len(texts)} strings, mean {mean_chars:.0f} chars):")
        print(f"    scan   {throughput(texts, 'scan'):8,.0f} strings/s")
        print(f"    clean  {throughput(texts, 'clean'):8,.0f} strings/s")
    paragraphs = [text for text, kind in results[0].ordinary if kind == "knowledge"]
    large = ("\n\n".join(paragraphs) * (LARGE_CHARS // sum(map(len, paragraphs)) + 1))[:LARGE_CHARS]
    timings = []
    for _ in range(3):
        start = time.process_time()
        scan(large)
        timings.append(time.process_time() - start)
    print(f"    one {LARGE_CHARS // 1000} kB knowledge text: scan {min(timings) * 1e3:.0f} ms (best of 3)")

    for r in results:
        verdicts = {
            f"detection ≥ {r.corpus.detection_target:.0%}": r.detection >= r.corpus.detection_target,
            f"false positives ≤ {r.corpus.false_positive_target:.0%}": (
                r.false_positive <= r.corpus.false_positive_target
            ),
        }
        print(
            f"  targets on {r.name}: "
            + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in verdicts.items())
        )


if __name__ == "__main__":
    main()
