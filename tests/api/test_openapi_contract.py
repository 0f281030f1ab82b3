"""The API keeps the promises of its OpenAPI document: schemathesis over every operation.

The real app runs under uvicorn on an ephemeral port of 127.0.0.1 (a real server rather than
schemathesis' ASGI transport: the document is read from ``/openapi.json`` as a client reads it, and
the answers cross the same middleware, streaming and HTTP framing as in production). Every request
carries a bearer token of the built-in issuer. The user owns an account with a position, a price of
their own and a finished job, so that half of the generated requests ask about objects that exist
(the other half about ids that do not). Rate limits are off and the quotas generous: the run
explores what the app does, not its refusals (429 is still documented, and allowed).

Checks on every answer: no server error, and the answer is one the document describes (status
code, content type, body schema, headers). Positive (valid) and negative (invalid) inputs, with a
fixed seed (derandomized), a bounded number of examples per operation; schemathesis also drops the
token from some negative cases, so the 401s are checked too. A few fixed bodies join the positive
ones: bodies the app accepts where the schema alone rarely yields one (so 201, 401, 409 and a
simulation are checked), and bodies with a NUL byte (refused, never a 500). One test, so that the run
reports one request count and one list of failures, each with a curl command to reproduce it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from alex.app import create_app
from alex.db.engine import libpq_url
from alex.settings import Settings
from tests.support.live_app import LiveApp, serve

pytestmark = pytest.mark.slow

Operation = APIOperation[Any, Any, Any, Any]

USER = "contract-user"
SYMBOL = "SPY"
"""A catalogue symbol: the seeded position's, and the one the user prices."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
EXAMPLES = 40
"""Examples per operation and mode: about 1,900 requests, a minute on two busy cores."""
FEWER_EXAMPLES = {"POST /api/retirement/simulate": 8}
"""Operations whose answers cost seconds of CPU at the largest valid inputs (100,000 paths)."""
SIGN_UP = {"email": "fuzz@example.com", "password": "Correct horse battery staple 42", "display_name": "Fuzz"}
VALID_BODIES: dict[str, list[dict[str, Any]]] = {
    "POST /api/auth/signup": [SIGN_UP],
    "POST /api/auth/signin": [
        {"email": SIGN_UP["email"], "password": SIGN_UP["password"]},
        {"email": SIGN_UP["email"], "password": "not the password"},
    ],
    "PUT /api/user": [{"display_name": "Fuzzed", "years_until_retirement": 20}],
    "POST /api/positions": [{"account_id": str(uuid.UUID(int=1)), "symbol": "VTI", "quantity": 5}],
    "PUT /api/instruments/{symbol}/classification": [
        {"asset_class": {"equity": 100}, "regions": {"north_america": 100}, "sectors": {"technology": 100}}
    ],
    "POST /api/retirement/simulate": [
        {
            "current_value": "250000",
            "allocation": {"equity": 60, "fixed_income": 40},
            "years_until_retirement": 10,
            "paths": 200,
            "seed": 7,
        }
    ],
}
"""Bodies the app accepts, mixed into the positive cases where the document's schema is looser than
the app's rules (an email, a password's strength, percentages summing to 100), so that the answers
behind them (201, 401, 409, a simulation) are checked too."""
NUL_BODIES: dict[str, list[dict[str, Any]]] = {
    "POST /api/auth/signup": [{**SIGN_UP, "email": "nul\x00@example.com"}],
    "POST /api/accounts": [{"account_name": "Nul \x00 byte", "account_purpose": "\x00"}],
    "PUT /api/accounts/{account_id}": [{"account_name": "\x00"}],
    "POST /api/positions": [{"account_id": str(uuid.UUID(int=1)), "symbol": "VT\x00", "quantity": 1}],
    "PUT /api/user": [{"display_name": "Nul\x00"}],
}
"""Bodies with a NUL byte, sent in every run whatever the generator draws: refused (422), never a 500."""
REQUEST_FLOOR = 1500
"""The run must have sent at least this many generated requests (it sends about 1,900)."""
TIMEOUT_SECONDS = 60.0


@dataclass
class Seeds:
    """What the user owns when an operation's run starts (recreated before each operation)."""

    account_id: str = ""
    position_id: str = ""
    job_id: str = ""

    def path_values(self) -> dict[str, str]:
        return {
            "account_id": self.account_id,
            "position_id": self.position_id,
            "job_id": self.job_id,
            "symbol": SYMBOL,
        }


@dataclass
class Run:
    """What the whole run did: requests sent per operation, and the distinct failures found."""

    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    """Per operation, how many answers had each status."""
    failures: dict[tuple[str, str], str] = field(default_factory=dict)
    """One example per operation and kind of failure."""

    def count(self, label: str, status: int) -> None:
        seen = self.statuses.setdefault(label, {})
        seen[status] = seen.get(status, 0) + 1

    def requests(self, label: str) -> int:
        return sum(self.statuses.get(label, {}).values())

    @property
    def total(self) -> int:
        return sum(map(self.requests, self.statuses))


@pytest.fixture
def settings_for_fuzzing(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "alex",
        log_format="json",
        log_level="WARNING",
        rate_limits_enabled=False,
        quota_analyses_per_day=100_000,
        quota_model_tokens_per_day=10**12,
        quota_accounts=100_000,
        quota_positions=1_000_000,
        quota_symbols_added=100_000,
        max_unfinished_jobs_per_user=1000,
        sign_in_free_failures=100,
        sign_in_free_failures_per_address=10_000,
        simulations_per_user=100,
        simulation_time_limit_seconds=600,
        event_streams_per_user=100,
    )


@pytest.fixture
def live_app(settings_for_fuzzing: Settings, database_url: str) -> Iterator[LiveApp]:
    """The app, without a job worker (jobs stay queued), on this test's fresh database."""
    with serve(create_app(settings_for_fuzzing, database_url=database_url, run_worker=False)) as running:
        yield running


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A client that goes straight to 127.0.0.1 (no proxy from the environment)."""
    with requests.Session() as session:
        session.trust_env = False
        yield session


def finish_job(database_url: str, job_id: str) -> None:
    """End a queued job (as a failure), so that its event stream ends after its history."""
    dsn = libpq_url(database_url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE jobs SET status = 'failed', error_message = 'seeded', completed_at = now() WHERE id = %s",
            (job_id,),
        )


def seed(http: requests.Session, app: LiveApp, auth: dict[str, str], database_url: str) -> Seeds:
    """An account with a position, the user's own price of ``SYMBOL``, and a finished job."""

    def send(method: str, path: str, body: dict[str, Any] | None, status: int) -> Any:
        response = http.request(method, app.url + path, json=body, headers=auth, timeout=TIMEOUT_SECONDS)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    account = send("POST", "/api/accounts", {"account_name": "Contract seed", "cash_balance": "100"}, 201)
    position = send(
        "POST", "/api/positions", {"account_id": account["id"], "symbol": SYMBOL, "quantity": 3}, 201
    )
    send("PUT", f"/api/instruments/{SYMBOL}/price", {"price": "123.45"}, 200)
    job = send("POST", "/api/analyze", {}, 202)
    finish_job(database_url, job["job_id"])
    return Seeds(account_id=account["id"], position_id=position["id"], job_id=str(job["job_id"]))


def use_seeds(case: Case[Any], seeds: Seeds) -> None:
    """Point the case at the user's objects: its path parameters, and an ``account_id`` in its body."""
    values = seeds.path_values()
    for name in case.path_parameters or {}:
        if name in values:
            case.path_parameters[name] = values[name]
    if isinstance(case.body, dict) and "account_id" in case.body:
        case.body["account_id"] = seeds.account_id


def fuzz(
    operation: Operation,
    mode: GenerationMode,
    examples: int,
    call: Callable[[Case[Any], bool], None],
) -> None:
    """Run ``call`` on ``examples`` cases of ``operation`` in ``mode``, deterministically."""
    cases = operation.as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        bodies = [*VALID_BODIES.get(operation.label, []), *NUL_BODIES.get(operation.label, [])]
        if bodies:
            fixed = st.one_of(*(operation.as_strategy(generation_mode=mode, body=body) for body in bodies))
            cases = st.one_of(cases, fixed)  # half generated, half fixed

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=cases, seeded=st.booleans())
    def run(case: Case[Any], seeded: bool) -> None:
        call(case, seeded)

    run()


def test_every_operation_keeps_the_documents_promises(
    live_app: LiveApp,
    http: requests.Session,
    database_url: str,
    record_property: Callable[[str, object], None],
) -> None:
    started = time.monotonic()
    auth = {"Authorization": f"Bearer {live_app.token(USER, name='Contract', email='contract@example.com')}"}
    served = http.get(f"{live_app.url}/openapi.json", timeout=TIMEOUT_SECONDS)
    assert served.status_code == 200
    document = served.json()
    schema = schemathesis.openapi.from_dict(document, config=schemathesis.Config())
    operations: list[Operation] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            pytest.fail(f"schemathesis cannot read an operation: {result.err()}")
        operations.append(result.ok())
    assert len(operations) >= 28, [op.label for op in operations]
    run = Run()

    for operation in operations:
        seeds = seed(http, live_app, auth, database_url)

        def call(case: Case[Any], seeded: bool, seeds: Seeds = seeds) -> None:
            if seeded:
                use_seeds(case, seeds)
            response = case.call(base_url=live_app.url, session=http, headers=auth, timeout=TIMEOUT_SECONDS)
            label = case.operation.label
            run.count(label, response.status_code)
            try:
                case.validate_response(response, checks=CHECKS, headers=auth)
            except FailureGroup as group:
                for failure in group.exceptions:
                    key = (label, failure.title)
                    if key not in run.failures:
                        curl = case.as_curl_command(headers=auth, base_url=live_app.url)
                        run.failures[key] = (
                            f"{label}: {failure.title} (status {response.status_code})\n"
                            f"{failure.message}\n{curl}\n"
                            f"response: {response.text[:500]}"
                        )

        described = document["paths"][operation.path][operation.method.lower()]
        # Negative cases need an input to break: an operation without any has none.
        has_inputs = bool(described.get("parameters")) or "requestBody" in described
        for mode in MODES if has_inputs else (GenerationMode.POSITIVE,):
            fuzz(operation, mode, FEWER_EXAMPLES.get(operation.label, EXAMPLES), call)

    elapsed = time.monotonic() - started
    record_property("schemathesis_requests", run.total)
    record_property("schemathesis_failures", len(run.failures))
    print(f"\nschemathesis: {run.total} requests, {len(run.failures)} distinct failure(s), {elapsed:.0f} s")
    for label, statuses in sorted(run.statuses.items()):
        print(f"  {run.requests(label):4d}  {label}  {dict(sorted(statuses.items()))}")
    assert set(run.statuses) == {op.label for op in operations}, "an operation was not exercised"
    assert run.total >= REQUEST_FLOOR, run.total
    assert not run.failures, "\n\n".join(run.failures.values())
    # The seeds were found: every read of one object answered 200 at least once.
    for operation in operations:
        if operation.method.upper() == "GET" and "{" in operation.path:
            assert run.statuses[operation.label].get(200, 0) > 0, (
                operation.label,
                run.statuses[operation.label],
            )
