"""A person's visits, in real Chromium: sign up, the demo portfolio, accounts, CSV import, goals,
an analysis watched live, the what-if, and a second person who cannot reach the first one's data."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.browser import BrowserProblems, LiveServer

Snap = Callable[[Page, str], Path]


def _sign_up(page: Page, email: str, name: str) -> None:
    page.goto("/")
    expect(page).to_have_url("/signin?next=/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()


def test_sign_up_and_load_the_demo_portfolio(page: Page, snap: Snap) -> None:
    _sign_up(page, "ada@example.com", "Ada")
    snap(page, "empty-dashboard")
    page.get_by_role("button", name="Load demo portfolio").click()
    expect(page.locator("#total-value")).to_contain_text("$")
    expect(page.locator('[data-chart="asset_allocation"] .main-svg').first).to_be_visible()
    snap(page, "dashboard")


def _first_account_url(page: Page) -> str:
    page.goto("/accounts")
    page.get_by_role("link", name="Roth IRA").click()
    expect(page.get_by_role("heading", name="Roth IRA")).to_be_visible()
    return page.url


def test_accounts_positions_csv_import_and_goals(
    page: Page, snap: Snap, browser_problems: BrowserProblems
) -> None:
    browser_problems.allow(r"422")  # the refused CSV answers 422, which Chromium logs
    _sign_up(page, "grace@example.com", "Grace")
    page.get_by_role("button", name="Load demo portfolio").click()
    _first_account_url(page)
    snap(page, "account")
    quantity = page.get_by_label("Quantity of VTI")
    quantity.fill("12")
    page.locator("#save-quantity-VTI").click()
    expect(page.locator("#position-status")).to_contain_text("Quantity of VTI saved.")
    page.reload()
    expect(page.get_by_label("Quantity of VTI")).to_have_value("12")

    page.goto("/accounts/import")
    page.get_by_label("Or paste the CSV").fill("symbol,quantity,account\nVXUS,5,Roth IRA\nBND,-3,Roth IRA\n")
    page.locator("#preview-import").click()
    expect(page.locator("#import-row-errors")).to_be_visible()
    expect(page.locator("#confirm-import-submit")).to_be_disabled()
    snap(page, "import-with-a-bad-row")
    page.get_by_label("Or paste the CSV").fill("symbol,quantity,account\nVXUS,5,Roth IRA\nBND,3,Roth IRA\n")
    page.locator("#preview-import").click()
    page.locator("#confirm-import-submit").click()
    expect(page.locator("#import-done")).to_contain_text("Imported 2 position(s).")

    page.goto("/goals")
    equity = page.locator("#asset_class-equity-range")
    equity.fill("50")
    equity.dispatch_event("input")
    expect(page.locator("#asset_class-total")).to_contain_text("100")
    page.get_by_role("button", name="Save goals").click()
    expect(page.locator("#goals-notice")).to_contain_text("Goals saved.")
    snap(page, "goals")


def test_a_symbol_is_priced_and_classified_from_its_row(
    page: Page, snap: Snap, browser_problems: BrowserProblems
) -> None:
    browser_problems.allow(r"422")  # the refused classification answers 422
    _sign_up(page, "ida@example.com", "Ida")
    page.get_by_role("button", name="Load demo portfolio").click()
    account_url = _first_account_url(page)
    page.get_by_label("Symbol", exact=True).fill("ZZZQ9")
    page.get_by_label("Quantity", exact=True).fill("4")
    page.locator("#add-position-submit").click()
    page.get_by_label("Your price for ZZZQ9 ($)").fill("25")
    page.locator("#save-price-ZZZQ9").click()
    expect(page.locator("#notice")).to_contain_text("Your price was saved.")
    expect(page.locator("#position-ZZZQ9 [data-value]")).to_have_text("$100.00")

    # An analysis' "Classify ZZZQ9" links here: the classification opens by itself.
    page.goto(f"{account_url}#classify-ZZZQ9")
    expect(page.locator("#classify-ZZZQ9")).to_have_attribute("open", "")
    expect(page.locator("#classify-ZZZQ9 summary")).to_contain_text("not fully classified")
    form = page.locator("#classification-form-ZZZQ9")
    form.get_by_label("Equity", exact=True).fill("100")
    form.get_by_label("Europe", exact=True).fill("70")
    expect(form.locator("output[id^='regions-total']")).to_have_text("70")
    page.locator("#save-classification-ZZZQ9").click()
    # Refused like the API refuses it, with each problem next to its group.
    expect(page.locator("#classify-ZZZQ9 [id^='regions-error']")).to_contain_text("must sum to 100")
    expect(page.locator("#classify-ZZZQ9 [id^='sectors-error']")).to_be_visible()
    snap(page, "classification-refused")
    form = page.locator("#classification-form-ZZZQ9")
    form.get_by_label("Asia", exact=True).fill("30")
    form.get_by_label("Technology", exact=True).fill("100")
    page.locator("#save-classification-ZZZQ9").click()
    expect(page.locator("#notice")).to_contain_text("Your classification was saved.")
    expect(page.locator("#classify-ZZZQ9 summary")).to_contain_text("classified by you")


def test_a_second_person_cannot_reach_the_first_ones_account(
    page: Page, browser: Browser, live_server: LiveServer, browser_problems: BrowserProblems
) -> None:
    browser_problems.allow(r"404")
    _sign_up(page, "first@example.com", "First")
    page.get_by_role("button", name="Load demo portfolio").click()
    account_url = _first_account_url(page)
    other = browser.new_context(base_url=live_server.url)
    browser_problems.watch(other)
    try:
        intruder = other.new_page()
        _sign_up(intruder, "second@example.com", "Second")
        answer = intruder.goto(account_url)
        assert answer is not None
        assert answer.status == 404
        expect(intruder.get_by_text("Roth IRA")).to_have_count(0)
        intruder.goto("/accounts")
        expect(intruder.locator("#accounts-empty")).to_be_visible()
    finally:
        other.close()


def _tabs_ready(page: Page) -> None:
    """The tabs' script runs after the chart library's; a click before that would be lost."""
    expect(page.locator("#results[data-ready='true']")).to_be_attached()


def _reload_until_present(page: Page, locator: Locator, *, timeout: float = 30.0) -> None:
    """Reload the page until ``locator`` is in it: what a person does on "reload in a moment"."""
    deadline = time.monotonic() + timeout
    while locator.count() == 0:
        assert time.monotonic() < deadline, f"not on the page after {timeout:g} s of reloading: {locator}"
        page.reload()


def test_an_analysis_arrives_live_and_explains_itself(page: Page, snap: Snap) -> None:
    _sign_up(page, "alan@example.com", "Alan")
    page.get_by_role("button", name="Load demo portfolio").click()
    page.get_by_role("link", name="Analysis", exact=True).click()
    page.locator("#analyze").click()
    # The timeline is fed by the job's real events; the page shows the result when the job ends.
    expect(page.locator("#tab-report")).to_be_visible(timeout=60_000)
    snap(page, "report")
    expect(page.locator("#report h2").first).to_be_visible()
    expect(page.locator("#timeline li[data-kind='step_finished']").first).to_be_attached()
    _tabs_ready(page)
    for tab, panel in [
        ("Recommendations", "#recommendations"),
        ("Charts", "[data-chart] .main-svg"),
        ("Retirement", "#retirement-chart .main-svg"),
        ("How this was produced", "#audit tr[data-agent]"),
    ]:
        page.get_by_role("tab", name=tab).click()
        expect(page.locator(panel).first).to_be_visible()
        snap(page, tab.lower().replace(" ", "-"))
    expect(page.locator("#retirement-success")).to_contain_text("%")
    expect(page.locator("#audit tr[data-agent='reporter']")).to_contain_text("offline")
    # The trace: the request that started the analysis (the form), its attempt and every step.
    analytics = page.locator("#trace-table tr[data-depth='2']", has_text="step analytics")
    _reload_until_present(page, analytics)  # the spans are written a moment after the job ends
    page.locator("#trace summary").click()
    expect(page.locator("#trace-table tr[data-span]").first).to_contain_text("POST /analysis")
    expect(analytics).to_be_visible()
    expect(page.locator("#trace-table .trace-bar").first).to_be_visible()
    snap(page, "trace")
    _tabs_ready(page)  # the page may have been reloaded
    # The rebalancing recommendation links to the trades; a link to them from another tab opens theirs.
    page.get_by_role("tab", name="Recommendations").click()
    page.get_by_role("link", name="See the suggested trades").click()
    expect(page.locator("#suggested-trades")).to_be_focused()
    page.get_by_role("tab", name="Report").click()
    page.evaluate("window.location.hash = ''")
    page.evaluate("window.location.hash = '#suggested-trades'")
    expect(page.locator("#panel-recommendations")).to_be_visible()
    expect(page.locator("#trades")).to_contain_text("taxable: may realise capital gains")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("completed")).to_be_visible()

    page.get_by_role("link", name="What if").click()
    expect(page.locator("#whatif-chart .main-svg").first).to_be_visible()
    # More savings: a larger median at retirement (the success rate of a percent-of-value
    # withdrawal does not depend on the portfolio's size).
    details = page.locator("#whatif-details").inner_text()
    median_line = page.locator("#whatif-chart .scatterlayer .trace path.js-line").last
    drawn = median_line.get_attribute("d")
    assert drawn
    contribution = page.locator("#whatif-contribution")
    contribution.fill(contribution.get_attribute("max") or "100000")
    contribution.dispatch_event("input")
    expect(page.locator("#whatif-details")).not_to_have_text(details)
    expect(median_line).not_to_have_attribute("d", drawn)  # the fan chart was redrawn
    # A higher withdrawal rate: a lower chance of the money lasting.
    success = page.locator("#whatif-success").inner_text()
    rate = page.locator("#whatif-rate")
    rate.fill(rate.get_attribute("max") or "10")
    rate.dispatch_event("input")
    expect(page.locator("#whatif-success")).not_to_have_text(success)
    snap(page, "what-if")

    page.get_by_role("link", name="History").click()
    expect(page.locator("#history tbody tr[data-job]")).to_have_count(1)


def test_the_dashboard_fits_a_phone(phone_page: Page, snap: Snap) -> None:
    _sign_up(phone_page, "phone@example.com", "Pat")
    phone_page.get_by_role("button", name="Load demo portfolio").click()
    expect(phone_page.locator("#total-value")).to_contain_text("$")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    snap(phone_page, "dashboard-phone")
