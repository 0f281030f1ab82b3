"""Prometheus metrics of the HTTP layer (the job and model metrics join them in later modules)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "alex_http_requests_total",
    "HTTP requests by route template, method and status",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "alex_http_request_duration_seconds",
    "HTTP request latency by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

SIGN_IN_FAILURES = Counter(
    "alex_sign_in_failures_total",
    "Failed sign-ins by reason (bad_credentials, unreadable, throttled)",
    ["reason"],
)
REFUSALS = Counter(
    "alex_requests_refused_total",
    "Requests refused to protect others: rate limits, quotas, concurrency limits",
    ["kind"],
)


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


TRACE_EXPORT_FAILURES = Counter(
    "alex_trace_export_failures_total",
    "Batches of spans the OTLP collector did not take (unreachable, refused, too slow); dropped",
)
SPANS_NOT_KEPT = Counter(
    "alex_trace_spans_not_kept_total",
    "Job spans the built-in trace view did not keep, by reason (queue_full, database)",
    ["reason"],
)


def render() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
