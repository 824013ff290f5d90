"""`salvage serve` in a real browser: the command runs a real uvicorn server on a free loopback port over the test
warehouse, and Debian's Chromium (driven by Playwright) loads the pages, uses the filter form, follows the links to
a lot, its asset and a debt package, and checks that the chart is drawn. Every page is screenshotted under
tests/artifacts/serve/ (kept for a person to look at; not in git), and no request may leave loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import EVIL_TITLE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "serve"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(serve_db: Path):
    """`salvage serve` as a user starts it, on a free port; its base URL."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "salvage.cli", "serve", "--db", str(serve_db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "COLUMNS": "200"}, start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"salvage serve did not start: {proc.communicate()[0]}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page that records every request it makes and every script dialog it opens."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.requested = []  # type: ignore[attr-defined]
    tab.dialogs = []  # type: ignore[attr-defined]
    tab.on("request", lambda request: tab.requested.append(request.url))
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    hosts = {urlsplit(url).hostname for url in tab.requested}
    assert tab.requested and hosts == {"127.0.0.1"}, f"requests outside loopback: {tab.requested}"
    assert tab.dialogs == []  # no script ran
    context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000  # a rendered page, not an empty image
    return path


def test_the_list_loads_and_a_filter_narrows_the_rows(server, page):
    response = page.goto(server + "/")
    assert response.status == 200
    assert page.locator("tr.lot").count() == 50
    assert page.locator("#count").get_attribute("data-total") == "59"
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")  # the CSS loaded
    shot(page, "lots")
    page.select_option("select[name=province]", "山西省")
    page.select_option("select[name=status]", "unsold")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "province=" in page.url and "status=unsold" in page.url
    rows = page.locator("tr.lot")
    assert rows.count() == 1 and "阳光小区" in rows.first.inner_text()
    shot(page, "lots-filtered")
    page.fill("input[name=price_min]", "not money")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "not an amount in yuan" in page.locator("p.error").inner_text()
    shot(page, "lots-bad-filter")


def test_a_lot_shows_its_history_and_a_drawn_price_chart(server, page):
    page.goto(server + "/?q=阳光小区&round=first")
    page.locator("tr.lot a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/lot/alibaba_sf/house-1")
    assert page.locator("#history tr.version").count() == 3
    chart = page.locator("#price-chart svg.plot")
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100  # laid out, not hidden
    points = page.locator("#price-chart circle.point")
    assert points.count() == 4
    point = points.first.bounding_box()
    assert point and point["width"] > 0 and box["x"] <= point["x"] <= box["x"] + box["width"]
    assert page.locator("#price-chart polyline").count() >= 1
    shot(page, "lot")


def test_the_asset_page_lists_its_listings_and_the_evidence(server, page):
    page.goto(server + "/lot/alibaba_sf/house-2")
    page.click("#asset-link")
    page.wait_for_load_state()
    assert "/asset/" in page.url
    listings = page.locator("#listings tr.listing")
    assert listings.count() == 2
    assert [listings.nth(i).locator("td").nth(1).inner_text() for i in range(2)] == ["house-1", "house-2"]
    evidence = page.locator("#evidence tr.evidence")
    assert evidence.count() == 2 and "case_number" in evidence.nth(1).inner_text()
    assert page.locator("#asset-chart circle.point").count() == 5
    shot(page, "asset")


def test_the_package_page_lists_its_loans(server, page):
    page.goto(server + "/packages")
    page.locator("#packages tr.package a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/package/jd_auction/pkg-1")
    loans = page.locator("#loans tr.loan")
    assert loans.count() == 3 and "香港某公司" in loans.nth(2).inner_text()
    shot(page, "package")


def test_a_script_title_is_shown_as_text_and_never_runs(server, page):
    page.goto(server + "/?q=钢铁")
    assert EVIL_TITLE in page.locator("tr.lot").first.inner_text()
    page.goto(server + "/lot/alibaba_sf/evil")
    assert page.locator("#lot-title").inner_text() == EVIL_TITLE
    assert page.locator("main script").count() == 0
    shot(page, "lot-escaped-title")
