"""The analysis, job, history and what-if pages over HTTP, with a job really run by the planner."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from sqlalchemy import text

from alex.agents.team import Team
from alex.analysis.workflow import AnalysisWorkflow
from alex.db.models import Job
from alex.market.prices import CataloguePrices
from alex.settings import Settings
from tests.support.harness import ApiHarness
from tests.support.jobs import load_job, run_to_end
from tests.support.web import csrf, sign_out_locally, sign_up

EVIL_REPORT = (
    "## Executive Summary\n\nYou are **on track**.\n\n"
    "<script>alert(1)</script>\n\n"
    "[click me](javascript:alert(2)) and [docs](https://example.com/docs)\n\n"
    '<a href="javascript:alert(3)" onclick="alert(4)">raw</a>\n'
)
TABS = ("report", "recommendations", "charts", "retirement", "provenance")


def _json_block(html: str, element_id: str) -> object:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert found is not None, f"no {element_id} block"
    return json.loads(found.group(1))


async def _with_demo(api: ApiHarness, email: str = "ada@example.com") -> None:
    await sign_up(api, email=email)
    loaded = await api.client.post("/demo", data={"csrf_token": await csrf(api, "/")})
    assert loaded.status_code == 303


async def _start(api: ApiHarness) -> uuid.UUID:
    started = await api.client.post("/analysis", data={"csrf_token": await csrf(api, "/analysis")})
    assert started.status_code == 303, started.text
    found = re.fullmatch(r"/analysis/([0-9a-f-]{36})", started.headers["location"])
    assert found is not None, started.headers["location"]
    return uuid.UUID(found.group(1))


async def _completed_job(api: ApiHarness, tmp_path: Path) -> uuid.UUID:
    """A demo portfolio's analysis run to its end by the offline planner, with a hostile report."""
    await _with_demo(api)
    job_id = await _start(api)
    database = api.context.database
    settings = Settings(data_dir=tmp_path / "planner", retirement_paths=200, job_retry_base_seconds=0)
    job = await run_to_end(
        database,
        AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings)),
        job_id,
    )
    assert job.status == "completed", job.error_message
    assert job.report_payload is not None
    async with database.session() as session:
        row = await session.get(Job, job_id)
        assert row is not None
        row.report_payload = {**job.report_payload, "content": EVIL_REPORT}
        await session.commit()
    return job_id


async def test_the_analysis_page_asks_for_a_portfolio_first(api: ApiHarness) -> None:
    await sign_up(api)
    page = await api.client.get("/analysis")
    assert page.status_code == 200
    assert "load the demo portfolio first" in page.text
    assert 'id="analyze"' not in page.text
    # Without accounts, posting the form starts nothing.
    posted = await api.client.post("/analysis", data={"csrf_token": await csrf(api, "/analysis")})
    assert posted.headers["location"] == "/analysis"
    assert (await api.client.get("/api/jobs")).json()["jobs"] == []


async def test_analyze_starts_a_job_and_the_page_follows_its_events(api: ApiHarness) -> None:
    await _with_demo(api)
    page = await api.client.get("/analysis")
    assert 'id="analyze"' in page.text
    assert "Latest analysis" not in page.text
    job_id = await _start(api)
    listed = (await api.client.get("/api/jobs")).json()["jobs"]
    assert [j["id"] for j in listed] == [str(job_id)]
    running = await api.client.get(f"/analysis/{job_id}")
    assert running.status_code == 200
    assert 'id="timeline"' in running.text
    assert '<script type="module" src="/static/js/analysis.js">' in running.text
    assert _json_block(running.text, "job-data") == {
        "id": str(job_id),
        "status": "pending",
        "finished": False,
    }
    assert 'role="tab"' not in running.text
    again = await api.client.get("/analysis")
    assert f'href="/analysis/{job_id}" id="latest-link"' in again.text


async def test_the_cap_on_unfinished_analyses_gets_a_friendly_answer(api: ApiHarness) -> None:
    await _with_demo(api)
    for _ in range(api.context.settings.max_unfinished_jobs_per_user):
        await _start(api)
    refused = await api.client.post("/analysis", data={"csrf_token": await csrf(api, "/analysis")})
    assert refused.status_code == 429
    assert "analyses waiting or running" in refused.text
    assert 'id="analyze-error"' in refused.text


async def test_the_analysis_form_needs_its_csrf_token(api: ApiHarness) -> None:
    await _with_demo(api)
    refused = await api.client.post("/analysis", data={})
    assert refused.status_code == 403
    assert (await api.client.get("/api/jobs")).json()["jobs"] == []


async def test_another_users_job_is_not_found(api: ApiHarness) -> None:
    await _with_demo(api)
    job_id = await _start(api)
    assert (await api.client.get(f"/analysis/{job_id}")).status_code == 200
    sign_out_locally(api)
    await sign_up(api, email="eve@example.com", name="Eve")
    stolen = await api.client.get(f"/analysis/{job_id}")
    assert stolen.status_code == 404
    assert "Analysis not found" in stolen.text
    assert str(job_id) not in stolen.text
    assert (await api.client.get(f"/api/jobs/{job_id}/events")).status_code == 404
    assert (await api.client.get("/analysis/not-a-uuid")).status_code == 404


async def test_a_completed_job_renders_every_tab_with_the_report_made_inert(
    api: ApiHarness, tmp_path: Path
) -> None:
    job_id = await _completed_job(api, tmp_path)
    page = await api.client.get(f"/analysis/{job_id}")
    assert page.status_code == 200
    html = page.text
    for tab in TABS:
        assert f'id="tab-{tab}"' in html
        assert f'id="panel-{tab}"' in html
    assert html.count('role="tab"') == len(TABS)
    assert 'aria-selected="true"' in html
    # The report's markdown, rendered and sanitised.
    report = html.split('id="report">', 1)[1].split("</div>", 1)[0]
    assert "<h2>Executive Summary</h2>" in report
    assert "<strong>on track</strong>" in report
    assert "<script" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    tags = re.findall(r"<[a-z][^>]*>", report)  # real tags only: escaped text starts with &lt;
    assert tags
    assert not [tag for tag in tags if "javascript" in tag or re.search(r"\son\w+=", tag)]
    assert [tag for tag in tags if tag.startswith("<a ")] == [
        '<a href="https://example.com/docs" rel="noopener noreferrer nofollow">'
    ]
    assert 'href="https://example.com/docs"' in report
    assert "<script>alert" not in html
    # Recommendations, with their priority badges.
    assert re.search(r'<span class="badge (fail|warn|ok)">(high|medium|low) priority</span>', html)
    assert "<strong>Why:</strong>" in html
    # Charts: one element per chart of the payload, with the data block the script draws from.
    charts = _json_block(html, "charts-data")
    assert isinstance(charts, dict)
    assert "asset_allocation" in charts
    for key in charts:
        assert f'data-chart="{key}"' in html
    # Retirement: the numbers, the fan chart and its data.
    assert 'id="retirement-success"' in html
    assert 'id="retirement-swr"' in html
    assert 'id="retirement-chart"' in html
    fan = _json_block(html, "fan-data")
    assert isinstance(fan, dict)
    assert [s["key"] for s in fan["series"]] == ["p5", "p25", "p50", "p75", "p95"]
    assert fan["data"][0]["name"] == "Year 0"
    # How this was produced: the audit rows and the writers' provenance.
    audit = (await api.client.get(f"/api/jobs/{job_id}/audit")).json()["decisions"]
    assert audit
    assert html.count("<tr data-agent=") == len(audit)
    for agent in {d["agent"] for d in audit}:
        assert f'<tr data-agent="{agent}">' in html
    assert 'id="provenance"' in html
    assert "offline" in html.split('id="panel-provenance"', 1)[1]
    # The run's timeline, from the stored events, and the way to run it again.
    assert 'data-kind="job_completed"' in html
    assert 'id="run-again"' in html


async def test_a_failed_job_shows_its_error_and_a_way_to_run_again(api: ApiHarness) -> None:
    await _with_demo(api)
    job_id = await _start(api)
    async with api.context.database.session() as session:
        await session.execute(
            text(
                "UPDATE jobs SET status = 'failed', error_message = :m, completed_at = now() WHERE id = :id"
            ),
            {"m": "The portfolio could not be read <b>now</b>.", "id": job_id},
        )
        await session.commit()
    page = await api.client.get(f"/analysis/{job_id}")
    assert page.status_code == 200
    assert 'id="job-error"' in page.text
    assert "The portfolio could not be read &lt;b&gt;now&lt;/b&gt;." in page.text
    assert 'id="run-again"' in page.text
    assert 'role="tab"' not in page.text


async def test_history_lists_the_jobs_newest_first(api: ApiHarness) -> None:
    await sign_up(api)
    empty = await api.client.get("/history")
    assert 'id="history-empty"' in empty.text
    await api.client.post("/demo", data={"csrf_token": await csrf(api, "/")})
    first, second = await _start(api), await _start(api)
    page = await api.client.get("/history")
    assert page.status_code == 200
    rows = re.findall(r'<tr data-job="([0-9a-f-]{36})">', page.text)
    assert rows == [str(second), str(first)]
    assert f'href="/analysis/{first}"' in page.text
    assert 'id="run-again"' in page.text
    assert "pending" in page.text


async def test_the_what_if_page_starts_from_the_portfolio(api: ApiHarness) -> None:
    await _with_demo(api)
    page = await api.client.get("/what-if")
    assert page.status_code == 200
    html = page.text
    for element in (
        "whatif-value",
        "whatif-contribution",
        "whatif-years",
        "whatif-strategy",
        "whatif-rate",
        "whatif-equity",
        "whatif-fixed-income",
        "whatif-cash",
    ):
        assert f'id="{element}"' in html
        assert f'<label for="{element}"' in html
    for strategy in ("constant_real", "percent_of_portfolio", "guyton_klinger"):
        assert f'<option value="{strategy}"' in html
    assert 'id="whatif-success"' in html
    assert 'id="whatif-chart"' in html
    assert '<script type="module" src="/static/js/whatif.js">' in html
    data = _json_block(html, "whatif-data")
    assert isinstance(data, dict)
    assert data["from_portfolio"] is True
    assert float(data["current_value"]) > 0
    assert sum(data["allocation"].values()) == 100
    assert data["paths"] == api.context.settings.retirement_paths  # as many as the analysis
    assert data["spending"] == "target"
    assert data["target_income"] == "60000.00"
    assert data["method"] == "parametric"
    for element in ("whatif-method", "whatif-target"):
        assert f'<label for="{element}"' in html
    for method in ("parametric", "historical", "bootstrap"):
        assert f'<option value="{method}"' in html
    assert 'id="whatif-assumptions"' in html
    # The script opens on the plan (nothing changed), then sends what was moved with the first
    # answer's seed: what it sends is what the simulation route accepts, and it is repeatable.
    headers = {"X-CSRF-Token": api.client.cookies.get("alex_csrf") or ""}
    opened = await api.client.post(
        "/api/retirement/simulate", json={"withdrawal_strategy": "constant_real"}, headers=headers
    )
    assert opened.status_code == 200, opened.text
    plan = opened.json()
    assert plan["params"]["current_value"] == data["current_value"]
    assert plan["params"]["target_income"] == "60000.00"
    body = {
        "allocation": {k: v for k, v in data["allocation"].items() if v > 0},
        "years_until_retirement": data["years_until_retirement"],
        "annual_contribution": "0.00",
        "withdrawal_strategy": "guyton_klinger",
        "withdrawal_rate": data["withdrawal_rate"],
        "method": "bootstrap",
        "seed": plan["seed"],
    }
    once = await api.client.post("/api/retirement/simulate", json=body, headers=headers)
    assert once.status_code == 200, once.text
    twice = await api.client.post("/api/retirement/simulate", json=body, headers=headers)
    assert once.json()["success_rate"] == twice.json()["success_rate"]
    assert once.json()["assumptions"]["method"] == "bootstrap"


async def test_the_what_if_page_without_a_portfolio_uses_example_values(api: ApiHarness) -> None:
    await sign_up(api)
    page = await api.client.get("/what-if")
    assert page.status_code == 200
    assert 'id="whatif-no-portfolio"' in page.text
    data = _json_block(page.text, "whatif-data")
    assert isinstance(data, dict)
    assert data["allocation"] == {"equity": 60, "fixed_income": 35, "cash": 5}
    assert data["years_until_retirement"] == 20


async def _run(api: ApiHarness, job_id: uuid.UUID, tmp_path: Path) -> Job:
    database = api.context.database
    settings = Settings(data_dir=tmp_path / "planner", retirement_paths=200, job_retry_base_seconds=0)
    job = await run_to_end(
        database,
        AnalysisWorkflow(database, settings=settings, prices=CataloguePrices(), team=Team(settings)),
        job_id,
    )
    assert job.status == "completed", job.error_message
    return job


async def test_recommendations_link_to_where_they_are_done(api: ApiHarness, tmp_path: Path) -> None:
    await _with_demo(api)
    accounts = await api.client.get("/accounts")
    account_id = re.findall(r'href="/accounts/([0-9a-f-]{36})"', accounts.text)[0]
    token = await csrf(api, f"/accounts/{account_id}")
    added = await api.client.post(
        f"/accounts/{account_id}/positions", data={"csrf_token": token, "symbol": "ZZZQ9", "quantity": "3"}
    )
    assert added.status_code == 303
    job_id = await _start(api)
    await _run(api, job_id, tmp_path)
    html = (await api.client.get(f"/analysis/{job_id}")).text
    panel = html.split('id="panel-recommendations"', 1)[1].split('id="panel-charts"', 1)[0]
    # Setting a price and classifying happen on the position's row of its account page ...
    price = f'<a href="/accounts/{account_id}#position-ZZZQ9" class="button secondary" data-action>'
    classify = f'<a href="/accounts/{account_id}#classify-ZZZQ9" class="button secondary" data-action>'
    assert f"{price}Set a price for ZZZQ9</a>" in panel
    assert f"{classify}Classify ZZZQ9</a>" in panel
    row = (await api.client.get(f"/accounts/{account_id}")).text
    assert '<tr id="position-ZZZQ9"' in row
    assert 'id="price-form-ZZZQ9"' in row.split('<tr id="position-ZZZQ9"', 1)[1].split("</tr>", 1)[0]
    assert '<details id="classify-ZZZQ9"' in row
    # ... and the rebalancing recommendation links to the trades, shown with their tax notes.
    assert (
        '<a href="#suggested-trades" class="button secondary" data-action>See the suggested trades</a>'
        in panel
    )
    assert '<h3 id="suggested-trades" tabindex="-1">Suggested trades</h3>' in panel
    job = await load_job(api.context.database, job_id)
    assert job.summary_payload is not None
    trades = job.summary_payload["rebalancing"]["trades"]
    assert trades
    assert panel.count("<tr><td>") == len(trades)
    taxed = [t for t in trades if t["tax_note"]]
    assert taxed  # the demo's brokerage account sells
    assert panel.count("taxable: may realise capital gains</span>") == len(taxed)


async def test_only_links_within_alex_are_rendered(api: ApiHarness, tmp_path: Path) -> None:
    job_id = await _completed_job(api, tmp_path)
    async with api.context.database.session() as session:
        row = await session.get(Job, job_id)
        assert row is not None
        assert row.report_payload is not None
        first, *rest = row.report_payload["recommendations"]
        hostile = [
            {"label": "Script", "href": "javascript:alert(1)"},
            {"label": "Elsewhere", "href": "//example.com/accounts"},
            {"label": "Goals", "href": "/goals"},
        ]
        older = {key: value for key, value in rest[0].items() if key != "actions"}  # before actions existed
        row.report_payload = {**row.report_payload, "recommendations": [{**first, "actions": hostile}, older]}
        await session.commit()
    page = await api.client.get(f"/analysis/{job_id}")
    assert page.status_code == 200
    panel = page.text.split('id="panel-recommendations"', 1)[1].split('id="panel-charts"', 1)[0]
    assert re.findall(r"<a [^>]*data-action>", panel) == [
        '<a href="/goals" class="button secondary" data-action>'
    ]
    assert "javascript" not in panel
    assert "example.com" not in panel
    assert rest[0]["title"] in panel
