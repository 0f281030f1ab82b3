"""The analysis pipeline end to end: latency, writer concurrency, worker scaling.

Run: ``.venv/bin/python benchmarks/pipeline_benchmark.py``   (about a minute; prints figures only)

Everything is real: an embedded PostgreSQL in a temporary directory, ``alex serve --no-worker``
as a subprocess (jobs are started with ``POST /api/analyze`` over HTTP on 127.0.0.1) and
``alex worker`` subprocesses. Completion is observed by polling the job row every 5 ms.

(a) Offline latency: the demo portfolio, 50 jobs one after another, from the POST to the job
    being completed; one worker, no simulated latency, the default 10,000 Monte Carlo paths.
    Target (issue): median < 1 s.
(b) Writer concurrency: each of the three writers waits 1 s for a loopback model (its answers fail
    the checks, so the offline writers finish each section: tests/support/slow_model.py).
    From the job_events timestamps: wall = job_started → job_completed; critical path (the
    issue's definition) = tagger + slowest writer + summary, each step_started → step_finished.
    Target: wall ÷ critical path ≤ 1.2 (run one after another the writers alone would take 3 s).
    The full sequential chain (snapshot, tagger, prices, analytics, slowest writer, summary)
    is printed too: wall ÷ that is the pure overhead of the queue and the events.
(c) Throughput: 60 jobs, writers waiting 0.5 s for that model, with 1 worker then 2 workers, each worker
    at concurrency 2. At concurrency 2 a worker's job slots, not the CPU, limit it (a job is
    ~0.6 s, mostly waiting), so a second worker should nearly double throughput.
    Target: 2 workers ≥ 1.8× one.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import psycopg

from alex.db.embedded import start_embedded, stop_embedded
from alex.db.engine import libpq_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test suite's slow model
from tests.support.slow_model import SlowModel, slow_model

ALEX = [sys.executable, "-m", "alex"]
LATENCY_JOBS = 50
LATENCY_WARMUP = 3
CONCURRENCY_JOBS = 5
THROUGHPUT_JOBS = 60
THROUGHPUT_CONCURRENCY = 2
POLL_SECONDS = 0.005
WRITERS = ("reporter", "charter", "retirement")


class Process:
    """A child process whose merged output is drained by a thread (so it never blocks on a pipe)."""

    def __init__(self, args: list[str], env: dict[str, str], label: str) -> None:
        self.label = label
        self.process = subprocess.Popen(
            [*ALEX, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.output: list[str] = []
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, text: str, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(
                    f"{self.label} printed no {text!r}:\n{''.join(self.output[-40:])}"
                ) from None
            if line is None:
                raise RuntimeError(f"{self.label} exited:\n{''.join(self.output[-40:])}")
            if text in line:
                return line

    def stop(self) -> None:
        """SIGTERM (graceful), then make sure it is gone."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


class Bench:
    def __init__(self, data_dir: Path, url: str, model: SlowModel) -> None:
        self.data_dir = data_dir
        self.url = url
        self.model = model
        self.conn = psycopg.connect(libpq_url(url), autocommit=True)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def env(self, **settings: str) -> dict[str, str]:
        environment = {key: value for key, value in os.environ.items() if not key.startswith("ALEX_")}
        environment.update(
            ALEX_DATA_DIR=str(self.data_dir),
            ALEX_DATABASE_URL=self.url,
            ALEX_LOG_FORMAT="json",
            ALEX_MAX_UNFINISHED_JOBS_PER_USER="1000",
            **settings,
        )
        return environment

    @contextmanager
    def workers(self, count: int, *, concurrency: int, latency: float) -> Iterator[None]:
        started: list[Process] = []
        try:
            for n in range(count):
                worker = Process(
                    ["worker", "--concurrency", str(concurrency)],
                    self.env(**(self.model.settings(latency) if latency else {})),
                    f"worker {n + 1}",
                )
                started.append(worker)
                worker.wait_for("worker started")
            yield
        finally:
            for worker in started:
                worker.stop()

    def client_for(self, user: str) -> httpx.Client:
        token = subprocess.run(
            [*ALEX, "token", "--user", user], env=self.env(), capture_output=True, text=True, check=True
        ).stdout.strip()
        client = httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        client.get("/api/user").raise_for_status()
        created = client.post("/api/populate-test-data").raise_for_status().json()
        assert created["positions_created"] == 17, created
        return client

    def wait_completed(self, job_ids: list[str], timeout: float = 120.0) -> float:
        """Poll until every job is completed; the monotonic time it was first seen so."""
        deadline = time.monotonic() + timeout
        while True:
            row = self.conn.execute(
                "SELECT count(*) FILTER (WHERE status = 'completed'), "
                "count(*) FILTER (WHERE status = 'failed') FROM jobs WHERE id = ANY(%s::uuid[])",
                (job_ids,),
            ).fetchone()
            assert row is not None
            if row[1]:
                raise RuntimeError(f"{row[1]} job(s) failed")
            if row[0] == len(job_ids):
                return time.monotonic()
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {row[0]} of {len(job_ids)} jobs completed in {timeout:g} s")
            time.sleep(POLL_SECONDS)

    def events(self, job_id: str) -> list[tuple[str, str | None, datetime]]:
        """The final attempt's events of a job: (kind, step, timestamp)."""
        return [
            (kind, step, at)
            for kind, step, at in self.conn.execute(
                "SELECT e.kind, e.step, e.created_at FROM job_events e JOIN jobs j ON j.id = e.job_id "
                "WHERE e.job_id = %s AND e.attempt = j.attempts ORDER BY e.id",
                (job_id,),
            )
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency(bench: Bench) -> float:
    print(f"(a) Offline end-to-end latency, demo portfolio (17 positions), {LATENCY_JOBS} jobs in sequence")
    print("    1 worker (concurrency 4), no simulated model latency, 10,000 Monte Carlo paths")
    client = bench.client_for("bench-latency")
    client_side: list[float] = []
    server_side: list[float] = []
    with bench.workers(1, concurrency=4, latency=0.0):
        for n in range(LATENCY_WARMUP + LATENCY_JOBS):
            started = time.monotonic()
            job_id = client.post("/api/analyze").raise_for_status().json()["job_id"]
            done = bench.wait_completed([job_id])
            if n < LATENCY_WARMUP:
                continue
            client_side.append(done - started)
            row = bench.conn.execute(
                "SELECT extract(epoch FROM completed_at - created_at) FROM jobs WHERE id = %s", (job_id,)
            ).fetchone()
            assert row is not None
            server_side.append(float(row[0]))
    client.close()
    median = statistics.median(client_side)
    print(
        f"    POST → completed (client):    median {median * 1e3:6.0f} ms, "
        f"p95 {_percentile(client_side, 0.95) * 1e3:6.0f} ms, max {max(client_side) * 1e3:6.0f} ms"
    )
    print(
        f"    created → completed (server): median {statistics.median(server_side) * 1e3:6.0f} ms, "
        f"p95 {_percentile(server_side, 0.95) * 1e3:6.0f} ms"
    )
    print(
        f"    ({LATENCY_WARMUP} warm-up jobs not counted; "
        f"completion seen by a {POLL_SECONDS * 1e3:g} ms poll)"
    )
    return median


def writer_concurrency(bench: Bench) -> float:
    print(
        "(b) Writers in parallel: each writer waits 1 s like a model call; "
        f"{CONCURRENCY_JOBS} jobs in sequence"
    )
    client = bench.client_for("bench-concurrency")
    ratios: list[float] = []
    with bench.workers(1, concurrency=1, latency=1.0):
        for _ in range(CONCURRENCY_JOBS):
            job_id = client.post("/api/analyze").raise_for_status().json()["job_id"]
            bench.wait_completed([job_id])
            events = bench.events(job_id)
            at = {kind: when for kind, step, when in events if step is None}
            started = {step: when for kind, step, when in events if kind == "step_started"}
            finished = {step: when for kind, step, when in events if kind == "step_finished"}
            seconds = {
                step: (finished[step] - started[step]).total_seconds() for step in started if step in finished
            }
            wall = (at["job_completed"] - at["job_started"]).total_seconds()
            slowest = max(seconds[step] for step in WRITERS)
            critical = seconds["tagger"] + slowest + seconds["summary"]
            chain = sum(seconds[step] for step in ("snapshot", "tagger", "prices", "analytics", "summary"))
            chain += slowest
            writers_sum = sum(seconds[step] for step in WRITERS)
            ratios.append(wall / critical)
            print(
                f"    wall {wall:5.3f} s ÷ critical path {critical:5.3f} s = {wall / critical:4.2f}  "
                f"(tagger {seconds['tagger']:.3f} + slowest writer {slowest:.3f} + "
                f"summary {seconds['summary']:.3f}); full chain {chain:5.3f} s → {wall / chain:4.2f}; "
                f"the 3 writers' durations add up to {writers_sum:5.3f} s"
            )
    client.close()
    worst = max(ratios)
    print(f"    wall ÷ critical path: median {statistics.median(ratios):4.2f}, worst {worst:4.2f}")
    return worst


def throughput(bench: Bench) -> float:
    print(
        f"(c) Throughput: {THROUGHPUT_JOBS} jobs, writers waiting 0.5 s, concurrency "
        f"{THROUGHPUT_CONCURRENCY} per worker (the worker's slots are the bottleneck, not the CPU)"
    )
    rates: dict[int, float] = {}
    for count in (1, 2):
        client = bench.client_for(f"bench-throughput-{count}")
        with bench.workers(count, concurrency=THROUGHPUT_CONCURRENCY, latency=0.5):
            started = time.monotonic()
            job_ids = [
                client.post("/api/analyze").raise_for_status().json()["job_id"]
                for _ in range(THROUGHPUT_JOBS)
            ]
            done = bench.wait_completed(job_ids)
            row = bench.conn.execute(
                "SELECT extract(epoch FROM max(completed_at) - min(created_at)) FROM jobs "
                "WHERE id = ANY(%s::uuid[])",
                (job_ids,),
            ).fetchone()
            assert row is not None
            split = sorted(
                (
                    count
                    for (count,) in bench.conn.execute(
                        "SELECT count(*) FROM job_events WHERE kind = 'job_started' "
                        "AND job_id = ANY(%s::uuid[]) GROUP BY split_part(message, ' on ', 2)",
                        (job_ids,),
                    )
                ),
                reverse=True,
            )
        client.close()
        rates[count] = THROUGHPUT_JOBS / (done - started)
        print(
            f"    {count} worker(s): {THROUGHPUT_JOBS} jobs in {done - started:5.2f} s → "
            f"{rates[count]:5.2f} jobs/s (in the database, first enqueue → last completion "
            f"{float(row[0]):5.2f} s; jobs per worker {'/'.join(map(str, split))})"
        )
    ratio = rates[2] / rates[1]
    print(f"    2 workers ÷ 1 worker: {ratio:4.2f}×")
    return ratio


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="alex-pipeline-bench-") as tmp, ExitStack() as stack:
        data_dir = Path(tmp) / "alex"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            url = start_embedded(data_dir)  # this process holds the server; it stops when we exit
        model = stack.enter_context(slow_model())
        bench = Bench(data_dir, url, model)
        # The API in development mode migrates and seeds the database, then serves.
        server = Process(["serve", "--no-worker", "--port", str(bench.port)], bench.env(), "alex serve")
        try:
            server.wait_for("Application startup complete")
            print(
                "Pipeline benchmark: alex serve --no-worker + alex worker processes, "
                f"{os.cpu_count()} CPU(s)\n"
            )
            median = latency(bench)
            print()
            ratio_b = writer_concurrency(bench)
            print()
            ratio_c = throughput(bench)
        finally:
            server.stop()
            bench.conn.close()
            stop_embedded(data_dir)  # before the temporary directory goes
        verdicts = [
            (f"(a) median POST → completed {median * 1e3:.0f} ms", "< 1 s", median < 1.0),
            (
                f"(b) wall ÷ critical path {ratio_b:.2f} (worst of {CONCURRENCY_JOBS})",
                "≤ 1.2",
                ratio_b <= 1.2,
            ),
            (f"(c) 2 workers ÷ 1 worker {ratio_c:.2f}×", "≥ 1.8×", ratio_c >= 1.8),
        ]
        print("\nSummary")
        for figure, target, met in verdicts:
            print(f"  {figure:<48} target {target:<7} {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
