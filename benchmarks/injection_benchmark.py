"""Input guardrail: detection and false-positive rates on the labelled corpus, and throughput.

Run: ``.venv/bin/python benchmarks/injection_benchmark.py``

The corpus is ``tests/guardrails/injection_corpus.py``: prompt injections by family (including
obfuscated, encoded and non-English ones) and ordinary account names, purposes, goals, instrument
names and knowledge-base paragraphs. Targets from the issue: detection at least 95 %, false
positives at most 2 %. Throughput is ``scan`` and ``clean`` over the whole corpus, repeated, plus
one 100 kB knowledge-base text (the patterns are linear; this shows the constant).
"""

from __future__ import annotations

import importlib.util
import statistics
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

from alex.guardrails.input import clean, scan

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "guardrails" / "injection_corpus.py"
SECONDS = 2.0
LARGE_CHARS = 100_000


def load_corpus() -> ModuleType:
    """The corpus module, loaded from its file (``tests`` isn't an installed package)."""
    spec = importlib.util.spec_from_file_location("injection_corpus", CORPUS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def throughput(texts: list[str], run: str) -> float:
    """Strings per second of ``scan`` or ``clean`` over ``texts``, repeated for about ``SECONDS``."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < SECONDS:
        for text in texts:
            if run == "scan":
                scan(text)
            else:
                clean(text, field="benchmark", max_chars=500)
        done += len(texts)
    return done / (time.perf_counter() - start)


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


def main() -> None:
    corpus = load_corpus()
    injections: list[tuple[str, str]] = corpus.INJECTIONS
    ordinary: list[tuple[str, str]] = corpus.ORDINARY
    detection, false_positive = corpus.rates()
    missed = corpus.misses()
    flagged = corpus.false_positives()
    print(f"Input guardrail on {CORPUS.relative_to(CORPUS.parents[2])}")
    print(f"  injections: {len(injections)}, detected {len(injections) - len(missed)} ({detection:.1%})")
    print(f"  ordinary:   {len(ordinary)}, flagged {len(flagged)} ({false_positive:.2%})")

    print("  injections by labelled family (detected / total):")
    missed_by_family = Counter(family for _, family in missed)
    for family, total in sorted(Counter(family for _, family in injections).items()):
        print(f"    {family:24s} {total - missed_by_family[family]:3d} / {total}")
    print("  ordinary by kind (flagged / total):")
    flagged_by_kind = Counter(kind for _, kind in flagged)
    for kind, total in sorted(Counter(kind for _, kind in ordinary).items()):
        print(f"    {kind:24s} {flagged_by_kind[kind]:3d} / {total}")
    reported = Counter(finding.family for text, _ in injections for finding in set(scan(text)))
    print(
        "  findings reported by detector family: " + ", ".join(f"{k} {v}" for k, v in reported.most_common())
    )
    # The reference's guardrail (seed guide §4): six lower-cased substrings, on the same corpus.
    reference_hits = sum(_reference_flags(text) for text, _ in injections)
    reference_false = sum(_reference_flags(text) for text, _ in ordinary)
    ratio = detection / (reference_hits / len(injections))
    print(
        f"  the reference's six substrings on the same corpus: detected {reference_hits}/{len(injections)} "
        f"({reference_hits / len(injections):.1%}), flagged {reference_false}/{len(ordinary)} ordinary "
        f"({reference_false / len(ordinary):.2%}); Alex detects {ratio:.1f}x as many"
    )
    for text, family in missed:
        print(f"  MISSED ({family}): {text!r}")
    for text, kind in flagged:
        print(f"  FALSE POSITIVE ({kind}): {text!r} -> {scan(text)}")

    texts = [text for text, _ in (*injections, *ordinary)]
    mean_chars = statistics.mean(len(text) for text in texts)
    print(f"  throughput over the corpus (mean {mean_chars:.0f} chars):")
    print(f"    scan   {throughput(texts, 'scan'):8,.0f} strings/s")
    print(f"    clean  {throughput(texts, 'clean'):8,.0f} strings/s")
    paragraphs = [text for text, kind in ordinary if kind == "knowledge"]
    large = ("\n\n".join(paragraphs) * (LARGE_CHARS // sum(map(len, paragraphs)) + 1))[:LARGE_CHARS]
    start = time.perf_counter()
    scan(large)
    elapsed = time.perf_counter() - start
    print(f"    one {LARGE_CHARS // 1000} kB knowledge text: scan {elapsed * 1e3:.0f} ms")
    verdicts = {"detection ≥ 95 %": detection >= 0.95, "false positives ≤ 2 %": false_positive <= 0.02}
    print("  targets: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in verdicts.items()))


if __name__ == "__main__":
    main()
