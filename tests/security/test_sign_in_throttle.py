"""Findings 2 and 5: the API's sign-in was not throttled at all, and the web form's lock was a
weapon (five wrong passwords locked a victim's email for 15 minutes, and an address's key locked
out everyone behind it; rotating X-Forwarded-For avoided it).

Now one throttle serves both, keyed per address and per email *at* an address, with growing
delays; a victim signing in from their own address is never held up by someone else's failures.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from alex.settings import Settings
from tests.security.conftest import ClientAt, MakeApi
from tests.support.harness import ApiHarness
from tests.support.web import csrf

VICTIM = "victim@example.com"
PASSWORD = "correct horse battery"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # A first delay far longer than the test, so "throttled" never depends on how fast it runs.
    return Settings(
        data_dir=tmp_path / "alex",
        sign_in_free_failures=3,
        sign_in_free_failures_per_address=8,
        sign_in_first_delay_seconds=600,
        sign_in_max_delay_seconds=3600,
    )


async def _sign_up(api: ApiHarness, email: str = VICTIM) -> None:
    answer = await api.client.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201, answer.text


async def _sign_in(
    client: httpx.AsyncClient, password: str, email: str = VICTIM, **headers: str
) -> httpx.Response:
    return await client.post("/api/auth/signin", json={"email": email, "password": password}, headers=headers)


async def test_the_api_sign_in_is_throttled_with_growing_delays(api: ApiHarness) -> None:
    await _sign_up(api)
    statuses = [(await _sign_in(api.client, "wrong")).status_code for _ in range(4)]
    refused = await _sign_in(api.client, PASSWORD)
    assert statuses == [401] * 4  # three free failures, then the fourth sets the first delay
    assert refused.status_code == 429
    assert 590 <= int(refused.headers["retry-after"]) <= 600
    assert "try again in" in refused.json()["detail"]


async def test_an_attacker_cannot_lock_the_victim_out(api: ApiHarness, client_at: ClientAt) -> None:
    await _sign_up(api)
    for _ in range(10):
        await _sign_in(api.client, "guess")
    assert (await _sign_in(api.client, "guess")).status_code == 429
    async with client_at("198.51.100.7") as victim:
        answer = await _sign_in(victim, PASSWORD)
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["email"] == VICTIM


async def test_an_address_trying_many_emails_is_slowed_but_others_are_not(
    api: ApiHarness, client_at: ClientAt
) -> None:
    await _sign_up(api)
    statuses = [
        (await _sign_in(api.client, "x", email=f"person{n}@example.com")).status_code for n in range(9)
    ]
    assert statuses == [401] * 9
    assert (await _sign_in(api.client, PASSWORD)).status_code == 429  # even the right password, from here
    async with client_at("198.51.100.8") as elsewhere:
        assert (await _sign_in(elsewhere, PASSWORD)).status_code == 200


async def test_rotating_x_forwarded_for_does_not_escape_the_throttle(api: ApiHarness) -> None:
    await _sign_up(api)
    statuses = [
        (await _sign_in(api.client, "guess", **{"X-Forwarded-For": f"203.0.113.{n}"})).status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 429]


async def test_a_trusted_proxy_names_the_client(make_api: MakeApi, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "proxied",
        trusted_proxies=["10.0.0.0/8"],
        sign_in_free_failures=1,
        sign_in_first_delay_seconds=600,
    )
    async with make_api(settings) as proxied:
        await _sign_up(proxied)
        transport = httpx.ASGITransport(app=proxied.app, client=("10.1.2.3", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://alex.test") as proxy:
            for _ in range(2):
                await _sign_in(proxy, "guess", **{"X-Forwarded-For": "203.0.113.66"})
            attacker = await _sign_in(proxy, PASSWORD, **{"X-Forwarded-For": "203.0.113.66"})
            # A client's own spoofed hop left of the real one changes nothing: the proxy's says who.
            victim = await _sign_in(proxy, PASSWORD, **{"X-Forwarded-For": "203.0.113.66, 203.0.113.77"})
    assert attacker.status_code == 429
    assert victim.status_code == 200


async def test_the_web_form_and_the_api_share_one_throttle(api: ApiHarness) -> None:
    await _sign_up(api)
    for _ in range(4):
        await _sign_in(api.client, "guess")
    token = await csrf(api, "/signin")
    page = await api.client.post("/signin", data={"csrf_token": token, "email": VICTIM, "password": PASSWORD})
    assert page.status_code == 429
    assert "try again in" in page.text


async def test_a_failed_sign_in_is_a_security_event_and_a_metric(api: ApiHarness) -> None:
    await _sign_up(api)
    before = REGISTRY.get_sample_value("alex_sign_in_failures_total", {"reason": "bad_credentials"}) or 0
    with capture_logs() as logs:
        assert (await _sign_in(api.client, "hunter2-wrong")).status_code == 401
    after = REGISTRY.get_sample_value("alex_sign_in_failures_total", {"reason": "bad_credentials"})
    failed = [entry for entry in logs if entry["event"] == "security.sign_in_failed"]
    assert after == before + 1
    assert len(failed) == 1
    assert failed[0]["log_level"] == "warning"
    assert failed[0]["reason"] == "bad_credentials"
    assert failed[0]["email_domain"] == "example.com"
    assert failed[0]["client"] == "127.0.0.1"
    assert "hunter2-wrong" not in repr(logs)
    assert VICTIM not in repr(logs)
