"""Finding 6: volume was unbounded (110 analyses a minute by one user, 100 accounts in a second,
20 sign-ups in 5 s). Rate limits now hold per user and per address, by route class, in PostgreSQL
so that every API process counts against the same buckets; quotas bound what a day may use.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import psycopg
from prometheus_client import REGISTRY

from alex.db.engine import libpq_url
from alex.settings import Settings
from tests.security.conftest import MakeApi
from tests.support.harness import ApiHarness
from tests.support.web import csrf_of, sign_up

POLICY = re.compile(r'"(\w+)";q=(\d+);w=(\d+)')
STATE = re.compile(r'^"(\w+)";r=(\d+);t=(\d+)$')


def _settings(tmp_path: Path, **limits: object) -> Settings:
    return Settings(data_dir=tmp_path / "alex", **limits)  # type: ignore[arg-type]


async def test_every_answer_states_its_limits(api: ApiHarness) -> None:
    answer = await api.client.get("/api/user", headers=api.auth("ada"))
    policies = {name: (int(q), int(w)) for name, q, w in POLICY.findall(answer.headers["ratelimit-policy"])}
    state = STATE.fullmatch(answer.headers["ratelimit"])
    assert answer.status_code == 200
    assert policies == {"reads": (600, 60), "address": (1200, 60)}
    assert state is not None
    assert state[1] == "reads"
    assert int(state[2]) == 599


async def test_a_user_over_the_limit_gets_429_and_others_do_not(make_api: MakeApi, tmp_path: Path) -> None:
    refusals = {"kind": "rate_limit_reads"}
    before = REGISTRY.get_sample_value("alex_requests_refused_total", refusals) or 0
    async with make_api(_settings(tmp_path, rate_limit_reads="3/60")) as api:
        statuses = [
            (await api.client.get("/api/user", headers=api.auth("ada"))).status_code for _ in range(3)
        ]
        refused = await api.client.get("/api/accounts", headers=api.auth("ada"))
        other = await api.client.get("/api/user", headers=api.auth("bob"))
    assert REGISTRY.get_sample_value("alex_requests_refused_total", refusals) == before + 1
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 20  # one request's worth of refill: 60 s / 3
    assert refused.headers["ratelimit"].startswith('"reads";r=0;')
    assert '"reads";q=3;w=60' in refused.headers["ratelimit-policy"]
    assert refused.json()["detail"].startswith("Too many requests")
    assert other.status_code == 200


async def test_the_limits_are_shared_by_every_process(make_api: MakeApi, tmp_path: Path) -> None:
    settings = _settings(tmp_path, rate_limit_writes="4/60")
    async with make_api(settings) as first, make_api(settings) as second:
        statuses = []
        for api in (first, second, first, second, first):
            answer = await api.client.post(
                "/api/accounts", json={"account_name": "Savings"}, headers=api.auth("ada")
            )
            statuses.append(answer.status_code)
        listed = await first.client.get("/api/accounts", headers=first.auth("ada"))
    assert statuses == [201, 201, 201, 201, 429]
    assert len(listed.json()) == 4  # the refused request stored nothing


async def test_one_address_is_limited_for_all_its_users(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, rate_limit_per_address="5/60")) as api:
        here = [
            (await api.client.get("/api/user", headers=api.auth(user))).status_code
            for user in ("ada", "bob", "cy", "dee", "eve", "fay")
        ]
        transport = httpx.ASGITransport(app=api.app, client=("198.51.100.20", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://alex.test") as elsewhere:
            there = await elsewhere.get("/api/user", headers=api.auth("fay"))
    assert here == [200] * 5 + [429]
    assert there.status_code == 200


async def test_sign_in_and_sign_up_are_limited_per_address(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, rate_limit_auth="3/60")) as api:
        statuses = [
            (
                await api.client.post(
                    "/api/auth/signup",
                    json={"email": f"p{n}@example.com", "password": "correct horse battery"},
                )
            ).status_code
            for n in range(3)
        ]
        refused = await api.client.post(
            "/api/auth/signin", json={"email": "p0@example.com", "password": "correct horse battery"}
        )
    assert statuses == [201, 201, 201]
    assert refused.status_code == 429
    assert '"auth";q=3;w=60' in refused.headers["ratelimit-policy"]


async def test_limits_can_be_turned_off(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, rate_limit_reads="1/60", rate_limits_enabled=False)) as api:
        statuses = [
            (await api.client.get("/api/user", headers=api.auth("ada"))).status_code for _ in range(3)
        ]
        answer = await api.client.get("/api/user", headers=api.auth("ada"))
    assert statuses == [200, 200, 200]
    assert "ratelimit" not in answer.headers


async def test_analyses_have_a_daily_quota(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, quota_analyses_per_day=1, max_unfinished_jobs_per_user=5)) as api:
        first = await api.client.post("/api/analyze", headers=api.auth("ada"))
        second = await api.client.post("/api/analyze", headers=api.auth("ada"))
        jobs = await api.client.get("/api/jobs", headers=api.auth("ada"))
    assert first.status_code == 202
    assert second.status_code == 429
    assert "Daily quota reached: at most 1 analyses a day" in second.json()["detail"]
    assert "resets at" in second.json()["detail"]
    assert 1 <= int(second.headers["retry-after"]) <= 86_400
    assert len(jobs.json()["jobs"]) == 1


async def test_model_tokens_have_a_daily_quota(make_api: MakeApi, tmp_path: Path, database_url: str) -> None:
    async with make_api(_settings(tmp_path, quota_model_tokens_per_day=1000)) as api:
        first = await api.client.post("/api/analyze", headers=api.auth("ada"))
        dsn = libpq_url(database_url)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO ai_decisions (job_id, user_id, attempt, agent, model, prompt_version, "
                "input_sha256, outcome, tokens_in, tokens_out, duration_ms) "
                "VALUES (%s, 'ada', 1, 'reporter', 'openai:x', 'v1', repeat('a', 64), 'passed', 600, 400, 1)",
                (first.json()["job_id"],),
            )
        second = await api.client.post("/api/analyze", headers=api.auth("ada"))
    assert first.status_code == 202
    assert second.status_code == 429
    assert "model tokens" in second.json()["detail"]


async def test_the_client_address_cannot_be_chosen_by_a_header(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, rate_limit_per_address="2/60")) as api:
        statuses = [
            (
                await api.client.get(
                    "/api/user", headers={**api.auth(f"u{n}"), "X-Forwarded-For": f"203.0.113.{n}"}
                )
            ).status_code
            for n in range(3)
        ]
    assert statuses == [200, 200, 429]


async def test_the_demo_portfolio_respects_the_quotas(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, quota_accounts=2)) as api:
        refused = await api.client.post("/api/populate-test-data", headers=api.auth("ada"))
        listed = await api.client.get("/api/accounts", headers=api.auth("ada"))
    assert refused.status_code == 429
    assert "at most 2 accounts" in refused.json()["detail"]
    assert listed.json() == []


async def test_the_sign_in_page_shows_its_own_refusal(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, rate_limit_auth="1/60")) as api:
        token = csrf_of((await api.client.get("/signin")).text)
        form = {"csrf_token": token, "email": "ada@example.com", "password": "wrong password"}
        first = await api.client.post("/signin", data=form)
        second = await api.client.post("/signin", data=form)
    assert first.status_code == 401
    assert second.status_code == 429
    assert second.headers["content-type"].startswith("text/html")
    assert "Too many requests" in second.text
    assert second.headers["retry-after"]


async def test_a_page_over_the_limit_is_a_page(make_api: MakeApi, tmp_path: Path) -> None:
    async with make_api(_settings(tmp_path, rate_limit_reads="2/60")) as api:
        await sign_up(api)  # the sign-up's redirect is not a read
        pages = [await api.client.get("/accounts") for _ in range(3)]
    assert [page.status_code for page in pages] == [200, 200, 429]
    assert pages[2].headers["content-type"].startswith("text/html")
    assert "Too many requests" in pages[2].text
    assert int(pages[2].headers["retry-after"]) >= 1
    assert pages[2].headers["ratelimit"].startswith('"reads";r=0;')
