"""What tracing costs a job: spans neither kept nor exported, kept in PostgreSQL, and exported too.

Run: ``.venv/bin/python benchmarks/tracing_benchmark.py``   (2–3 minutes on 2 cores; prints figures only)
     ``--jobs N --rounds R --warmup W`` change the defaults (15 jobs per phase, 3 rounds, 2 warm-up jobs).

Everything is real: an embedded PostgreSQL in a temporary directory, ``alex worker --concurrency 1``
subprocesses running the offline analysis of the demo portfolio (no model: the offline writers), and
for export an OTLP/HTTP receiver on 127.0.0.1 in this process (tests/support/otlp_receiver.py).

The worker's three configurations:
  A off       ALEX_TRACE_KEEP=false, no OTLP variables: spans are made, then neither kept nor exported
  B kept      the default: each job's spans kept in PostgreSQL for the built-in trace view
  C exported  the default plus OTEL_EXPORTER_OTLP_ENDPOINT=<the receiver> (batched every 5 s, default)

A phase starts a worker, enqueues jobs one at a time (as tests/integration/processes.py does) and
waits for each to complete before the next, so no job shares the worker with another, then stops
the worker with SIGTERM (which flushes its spans). Phases run interleaved in rounds (A, B, C, A, B,
C, …) so that drift on the machine (another process's load, caches warming) hits all three alike.
A job's duration is job_started → job_completed in job_events (its final attempt): neither the
enqueueing nor the completion poll counts. Background span work that falls between two jobs is
not counted either; what falls inside one (an export batch, the span store's inserts) is.
Overhead: (B − A) ÷ A and (C − A) ÷ A, of the median and of the mean. Target: under 5 %.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg

from alex.db.embedded import start_embedded, stop_embedded
from alex.db.engine import libpq_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the pipeline benchmark, the test helpers
from benchmarks.pipeline_benchmark import POLL_SECONDS, Process, _percentile
from tests.integration.processes import enqueue_demo_jobs, prepare_database
from tests.support.otlp_receiver import OtlpReceiver

USER = "bench-tracing"
JOB_TIMEOUT_SECONDS = 120.0
TARGET = 0.05


@dataclass(frozen=True)
class Config:
    key: str
    name: str
    keep: bool
    export: bool


CONFIGS = (
    Config("A", "off", keep=False, export=False),
    Config("B", "kept", keep=True, export=False),
    Config("C", "exported", keep=True, export=True),
)


@dataclass
class Results:
    seconds: list[float] = field(default_factory=list)
    """The counted jobs' durations."""
    kept: list[int] = field(default_factory=list)
    """Spans kept in PostgreSQL, per job (warm-up jobs included)."""
    exported: list[int] = field(default_factory=list)
    """Spans that reached the receiver, per job (warm-up jobs included); C only."""
    retried: int = 0


class Bench:
    def __init__(self, data_dir: Path, url: str, receiver: OtlpReceiver) -> None:
        self.data_dir = data_dir
        self.url = url
        self.receiver = receiver
        self.conn = psycopg.connect(libpq_url(url), autocommit=True)

    def env(self, config: Config) -> dict[str, str]:
        # As the pipeline benchmark's Bench.env, and without any OTLP or Langfuse variable of ours:
        # only configuration C may export, and only to the receiver.
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("ALEX_", "OTEL_", "LANGFUSE_"))
        }
        environment.update(
            ALEX_DATA_DIR=str(self.data_dir),
            ALEX_DATABASE_URL=self.url,
            ALEX_LOG_FORMAT="json",
            ALEX_MAX_UNFINISHED_JOBS_PER_USER="1000",
        )
        if not config.keep:
            environment["ALEX_TRACE_KEEP"] = "false"
        if config.export:
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = self.receiver.url
        return environment

    def phase(self, config: Config, *, jobs: int, warmup: int, results: Results) -> None:
        """One worker, ``warmup`` + ``jobs`` jobs in sequence, then SIGTERM."""
        worker = Process(["worker", "--concurrency", "1"], self.env(config), f"worker {config.key}")
        job_ids: list[uuid.UUID] = []
        try:
            worker.wait_for("worker started")
            for n in range(warmup + jobs):
                (job_id,) = enqueue_demo_jobs(self.url, users_and_counts=[(USER, 1)])
                job_ids.append(job_id)
                self.wait_completed(job_id, worker)
                if n >= warmup:
                    results.seconds.append(self.duration(job_id))
        finally:
            worker.stop()
        if worker.process.returncode != 0:
            raise RuntimeError(
                f"{worker.label} exited with {worker.process.returncode} on SIGTERM:\n"
                f"{''.join(worker.output[-40:])}"
            )
        # The worker flushed its spans as it stopped: the counts are final now.
        results.kept.extend(self.kept_spans(job_ids))
        if config.export:
            results.exported.extend(self.exported_spans(job_ids))
        row = self.conn.execute(
            "SELECT count(*) FROM jobs WHERE id = ANY(%s::uuid[]) AND attempts > 1", (job_ids,)
        ).fetchone()
        assert row is not None
        results.retried += int(row[0])

    def wait_completed(self, job_id: uuid.UUID, worker: Process) -> None:
        deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
        while True:
            row = self.conn.execute(
                "SELECT status, error_message FROM jobs WHERE id = %s", (job_id,)
            ).fetchone()
            assert row is not None
            status, error = row
            if status == "completed":
                return
            if status == "failed":
                raise RuntimeError(f"job {job_id} failed: {error}\n{''.join(worker.output[-40:])}")
            if worker.process.poll() is not None:
                raise RuntimeError(
                    f"{worker.label} died (exit code {worker.process.returncode}):\n"
                    f"{''.join(worker.output[-40:])}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"job {job_id} not completed in {JOB_TIMEOUT_SECONDS:g} s ({status})")
            time.sleep(POLL_SECONDS)

    def duration(self, job_id: uuid.UUID) -> float:
        """job_started → job_completed of the job's final attempt, in seconds."""
        at: dict[str, datetime] = dict(
            self.conn.execute(
                "SELECT e.kind, e.created_at FROM job_events e JOIN jobs j ON j.id = e.job_id "
                "WHERE e.job_id = %s AND e.attempt = j.attempts AND e.step IS NULL "
                "AND e.kind IN ('job_started', 'job_completed')",
                (job_id,),
            ).fetchall()
        )
        return float((at["job_completed"] - at["job_started"]).total_seconds())

    def kept_spans(self, job_ids: list[uuid.UUID]) -> list[int]:
        counts: dict[uuid.UUID, int] = dict(
            self.conn.execute(
                "SELECT job_id, count(*) FROM job_spans WHERE job_id = ANY(%s::uuid[]) GROUP BY job_id",
                (job_ids,),
            ).fetchall()
        )
        return [int(counts.get(job_id, 0)) for job_id in job_ids]

    def exported_spans(self, job_ids: list[uuid.UUID]) -> list[int]:
        """Spans at the receiver per job: a job's trace is the one its span (with alex.job_id) is in;
        the jobs were enqueued with no trace context, so each started a trace of its own."""
        spans = self.receiver.spans
        trace_of = {
            str(span.attributes["alex.job_id"]): span.trace_id
            for span in spans
            if "alex.job_id" in span.attributes
        }
        per_trace = Counter(span.trace_id for span in spans)
        return [per_trace[trace_of[str(job_id)]] if str(job_id) in trace_of else 0 for job_id in job_ids]


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:7.1f}"


def _spans(counts: list[int]) -> str:
    if not counts:
        return "-"
    if min(counts) == max(counts):
        return f"{counts[0]}"
    return f"{statistics.median(counts):g} ({min(counts)}–{max(counts)})"


def report(results: dict[str, Results], *, jobs: int, rounds: int, warmup: int) -> None:
    print(
        f"\nPer-job duration, job_started → job_completed ({rounds} round(s) × {jobs} jobs per "
        f"configuration; {warmup} warm-up job(s) per phase not counted)"
    )
    print(f"  {'configuration':<13} {'jobs':>5} {'median':>9} {'p90':>9} {'mean':>9}   spans kept per job")
    for config in CONFIGS:
        seconds = results[config.key].seconds
        print(
            f"  {config.key} {config.name:<11} {len(seconds):>5} {_ms(statistics.median(seconds))} ms"
            f"{_ms(_percentile(seconds, 0.9))} ms{_ms(statistics.mean(seconds))} ms   "
            f"{_spans(results[config.key].kept)}"
        )
    base = results["A"].seconds
    print(f"\nOverhead against A (target: under {TARGET * 100:g} % of the offline analysis's duration)")
    for config in CONFIGS[1:]:
        seconds = results[config.key].seconds
        median = statistics.median(seconds) / statistics.median(base) - 1
        mean = statistics.mean(seconds) / statistics.mean(base) - 1
        verdict = "met" if max(median, mean) < TARGET else "NOT MET"
        print(
            f"  ({config.key} − A) ÷ A, {config.name:<9}  median {median * 100:+6.1f} %, "
            f"mean {mean * 100:+6.1f} %   {verdict}"
        )
    exported = results["C"].exported
    arrived = sum(1 for count in exported if count)
    print(
        f"\nSpans exported per job in C: {_spans(exported)} "
        f"({arrived} of {len(exported)} jobs' traces reached the receiver)"
    )
    retried = sum(result.retried for result in results.values())
    if retried:
        print(f"Note: {retried} job(s) needed more than one attempt (their final attempt is counted)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=15, help="counted jobs per phase (default 15)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of A, B, C (default 3)")
    parser.add_argument("--warmup", type=int, default=2, help="uncounted jobs per phase (default 2)")
    args = parser.parse_args()
    if args.jobs < 1 or args.rounds < 1 or args.warmup < 0:
        parser.error("--jobs and --rounds must be at least 1, --warmup at least 0")

    print(
        f"Tracing benchmark: alex worker --concurrency 1, offline analysis of the demo portfolio, "
        f"{os.cpu_count()} CPU(s)"
    )
    results = {config.key: Results() for config in CONFIGS}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="alex-tracing-bench-") as tmp, OtlpReceiver() as receiver:
        data_dir = Path(tmp) / "alex"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            url = start_embedded(data_dir)  # this process holds the server; it stops when we exit
        bench = Bench(data_dir, url, receiver)
        try:
            prepare_database(url)
            for round_number in range(args.rounds):
                for config in CONFIGS:
                    phase_started = time.monotonic()
                    bench.phase(config, jobs=args.jobs, warmup=args.warmup, results=results[config.key])
                    # This phase's own median: its spread across rounds is the noise floor of the
                    # comparison (another process on the machine, the database's caches).
                    phase_median = statistics.median(results[config.key].seconds[-args.jobs :])
                    print(
                        f"  round {round_number + 1}, {config.key} {config.name:<8}: "
                        f"{args.warmup + args.jobs} jobs in {time.monotonic() - phase_started:5.1f} s "
                        f"(median {phase_median * 1e3:.1f} ms)",
                        flush=True,
                    )
        except RuntimeError as exc:
            print(f"\nFAILED: {exc}", file=sys.stderr)
            sys.exit(1)
        finally:
            bench.conn.close()
            stop_embedded(data_dir)  # before the temporary directory goes
    report(results, jobs=args.jobs, rounds=args.rounds, warmup=args.warmup)
    print(f"\n(whole run {time.monotonic() - started:.0f} s)")
    if not all(results["C"].exported):
        sys.exit(1)  # export was on, yet a job's spans never arrived: the C figures mean nothing


if __name__ == "__main__":
    main()
