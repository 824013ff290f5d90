"""`salvage serve` through Starlette's test client: filters, paging, 400s and 404s, escaping, the lock-down, and a
new night showing without a restart. The browser layer is in test_serve_browser.py."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from starlette.testclient import TestClient

from salvage.web.app import create_app
from salvage.web.readonly import ReadOnlyWarehouse
from tests.warehouse.conftest import make_lot

from .conftest import FILLERS, by_source, publish_night


@pytest.fixture(scope="module")
def client(serve_db: Path):
    with TestClient(create_app(serve_db), base_url="http://127.0.0.1") as c:
        yield c


def lot_ids(html: str) -> list[str]:
    """The lot ids a list page links to, in order."""
    return [m.split("/")[-1] for m in re.findall(r'<tr class="lot">\s*<td><a href="(/lot/[^"]+)"', html)]


def test_the_list_shows_every_lot_newest_first_in_pages_of_fifty(client):
    first = client.get("/")
    assert first.status_code == 200
    assert 'data-total="59"' in first.text  # 55 fillers, 2 houses, the package, the evil one
    page_1 = lot_ids(first.text)
    assert len(page_1) == 50 and page_1[0] == "house-2"  # first seen on night 2: the newest
    page_2 = lot_ids(client.get("/?page=2").text)
    assert len(page_2) == 9 and not set(page_1) & set(page_2)
    assert {f"f-{i:02d}" for i in range(FILLERS)} | {"house-1", "house-2", "pkg-1", "evil"} == set(page_1 + page_2)
    past = client.get("/?page=3")
    assert past.status_code == 200 and lot_ids(past.text) == [] and "there are 2" in past.text


@pytest.mark.parametrize(("query", "expected"), [
    ("source=jd_auction", {"pkg-1"}),
    ("asset_type=debt", {"pkg-1"}),
    ("province=山西省", {"house-1", "house-2", "evil"}),
    ("province=山西省&status=unsold", {"house-1"}),
    ("round=second", {"house-2"}),
    ("price_min=90万&price_max=1,000,000", {"house-1"}),  # 800,000 and the fillers (≤ 740,000) are below
    ("price_min=2500000", {"pkg-1"}),
    ("claim_pct_max=25", {"pkg-1"}),  # 2.5M / 11.7M = 21.4 %
    ("claim_pct_min=22", set()),
    ("q=阳光小区", {"house-1", "house-2"}),
    ("q=晋08执恢12", {"house-1", "house-2"}),  # the case number
    ("q=石家庄某钢铁", {"pkg-1"}),  # the debtor
    ("source=alibaba_sf&province=浙江省&status=ongoing", {f"f-{i:02d}" for i in range(FILLERS) if i % 2 and i % 3 == 0}),
])
def test_each_filter_narrows_to_the_known_lots(client, query, expected):
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert set(lot_ids(response.text)) == expected
    assert f'data-total="{len(expected)}"' in response.text


def test_sorting_by_price_and_by_price_to_claim(client):
    cheapest = lot_ids(client.get("/?sort=price").text)
    assert cheapest[:2] == ["f-00", "f-01"]  # 200,000 and 210,000
    assert lot_ids(client.get("/?sort=price_desc").text)[0] == "pkg-1"
    assert lot_ids(client.get("/?sort=claim").text)[0] == "pkg-1"  # the only lot with a claim


def test_the_form_keeps_the_filters_and_paging_links_keep_them(client):
    html = client.get("/?province=浙江省").text
    assert '<option value="浙江省" selected>' in html
    assert lot_ids(html) and "page 1 of 1" not in html  # 27 lots: one page, no pager
    html = client.get("/?source=alibaba_sf").text  # 58 lots: two pages
    assert 'href="?source=alibaba_sf&amp;page=2"' in html


@pytest.mark.parametrize(("query", "message"), [
    ("price_min=abc", "price_min: 'abc' is not an amount in yuan"),
    ("price_max=-5", "price_max: '-5' is not an amount in yuan"),
    ("price_min=10-20万", "price_min: '10-20万' is not an amount in yuan"),
    ("status=bogus", "status: unknown value 'bogus'; one of upcoming, ongoing, sold"),
    ("source=nowhere", "source: unknown value 'nowhere'; one of alibaba_sf, jd_auction"),
    ("asset_type=house", "asset_type: unknown value 'house'"),
    ("claim_pct_max=-3", "claim_pct_max: '-3' is out of range"),
    ("claim_pct_max=lots", "claim_pct_max: 'lots' is not a percentage"),
    ("page=0", "page: '0' is not a page number"),
    ("page=two", "page: 'two' is not a page number"),
    ("sort=title; DROP TABLE dim_lots", "sort: unknown value"),
    ("colour=red", "unknown filter 'colour'"),
    ("price_min=2000000&price_max=1000000", "price_min is above price_max"),
])
def test_a_bad_filter_is_a_400_that_says_what_is_wrong(client, query, message):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    alert = re.search(r'<p class="error" role="alert">(.*?)</p>', response.text, re.S).group(1)
    assert message.replace("'", "&#39;") in alert
    assert lot_ids(response.text) == []


def test_unknown_lot_asset_and_package_are_404s(client):
    for url, words in [("/lot/alibaba_sf/nope", "no lot 'nope' of source 'alibaba_sf'"),
                       ("/lot/nowhere/house-1", "no lot 'house-1' of source 'nowhere'"),
                       ("/asset/999999", "no asset 999999"),
                       ("/package/alibaba_sf/house-1", "no debt package 'house-1'"),
                       ("/asset/abc", "Not Found")]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert words.replace("'", "&#39;") in response.text


def test_a_script_in_a_title_is_shown_as_text_everywhere(client):
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;钢铁"
    for url in ["/", "/?q=钢铁", "/lot/alibaba_sf/evil"]:
        html = client.get(url).text
        assert escaped in html, url
        assert "<script" not in html, url
    lot_page = client.get("/lot/alibaba_sf/evil").text
    assert "javascript:" not in lot_page.replace("page: javascript:alert(1)", "")  # shown, never a link
    assert 'href="javascript:' not in lot_page


def test_the_lot_page_has_its_versions_chart_and_asset(client):
    html = client.get("/lot/alibaba_sf/house-1").text
    assert len(re.findall(r'<tr class="version', html)) == 3
    assert html.count('<tr class="version current">') == 1
    chart = re.search(r'<figure class="chart" id="price-chart">(.*?)</figure>', html, re.S).group(1)
    # reserve on each of the 3 versions, the current price on the last
    assert chart.count('<circle class="point"') == 4 and 'data-points="4"' in chart
    assert "reserve: 1,000,000.00 yuan, 2026-11-20 02:00" in chart
    asset = re.search(r'<a id="asset-link" href="[^"]*/asset/(\d+)">', html).group(1)
    assert f"asset {asset}</a>" in html and "(2 listings)" in html
    assert 'id="package-link"' not in html
    package = client.get("/lot/jd_auction/pkg-1").text
    assert 'id="package-link" href="/package/jd_auction/pkg-1"' in package
    assert "reserve: 2,500,000.00 yuan" in package


def test_the_asset_page_lists_its_listings_the_evidence_and_a_chart(client, serve_db: Path):
    con = duckdb.connect(str(serve_db), read_only=True)
    (asset_id,) = con.execute("SELECT asset_id FROM fct_lot_links WHERE source_lot_id = 'house-2'").fetchone()
    con.close()
    html = client.get(f"/asset/{asset_id}").text
    listings = re.findall(r'<tr class="listing">.*?href="/lot/alibaba_sf/([^"]+)"', html, re.S)
    assert listings == ["house-1", "house-2"]
    evidence = re.findall(r'<tr class="evidence">(.*?)</tr>', html, re.S)
    assert len(evidence) == 2
    assert "new_asset" in evidence[0] and "case_number" in evidence[1]
    assert 'href="/lot/alibaba_sf/house-1">alibaba_sf house-1</a>' in evidence[1]  # the lot it matched
    assert re.search(r"<td>yes</td><td>yes</td>", evidence[1])  # same 案号, same disposal unit
    assert 'data-points="5"' in html  # 3 versions of house-1, 2 of house-2


def test_the_package_page_lists_its_loans_and_the_check_of_its_total(client):
    html = client.get("/package/jd_auction/pkg-1").text
    loans = re.findall(r'<tr class="loan">(.*?)</tr>', html, re.S)
    assert [re.search(r"<td>(\d)</td><td>([^<]*)</td>", loan).groups() for loan in loans] == [
        ("1", "石家庄某钢铁有限公司"), ("2", "某商贸公司"), ("3", "香港某公司")]
    assert "USD" in loans[2]
    assert "100,000.00" in html  # 11.7M stated, 11.6M in the CNY loans
    listing = client.get("/packages?mismatch=1").text
    assert 'data-total="1"' in listing and 'href="/package/jd_auction/pkg-1"' in listing
    assert client.get("/packages?page=x").status_code == 400
    assert client.get("/packages?sort=x").status_code == 400


def test_pages_forbid_anything_from_elsewhere_and_answer_only_their_own_host(client):
    response = client.get("/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", response.text)
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400  # DNS rebinding
    assert client.get("/static/style.css").status_code == 200


def test_the_connection_is_read_only_and_locked_down(serve_db: Path):
    before = hashlib.sha256(serve_db.read_bytes()).hexdigest()
    warehouse = ReadOnlyWarehouse(serve_db)
    cur = warehouse.cursor()
    assert cur.execute("SELECT count(*) FROM lots").fetchone() == (59,)
    assert cur.execute("SELECT current_setting('TimeZone')").fetchone() == ("Asia/Shanghai",)
    for sql in ["SELECT * FROM read_csv('/etc/passwd')", f"ATTACH '{serve_db}.other' AS x",
                "COPY (SELECT 1) TO '/tmp/salvage-serve-copy.csv'", "SET enable_external_access = true",
                "SET lock_configuration = false", "INSTALL httpfs", "DELETE FROM dim_lots",
                "CREATE TABLE t (x INTEGER)"]:
        with pytest.raises(duckdb.Error):
            cur.execute(sql)
    cur.close()
    warehouse.close()
    assert hashlib.sha256(serve_db.read_bytes()).hexdigest() == before


def test_a_new_night_shows_at_the_next_request_without_a_restart(serve_db: Path, tmp_path: Path):
    db = tmp_path / "salvage.duckdb"
    shutil.copyfile(serve_db, db)
    app = create_app(db)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert 'data-total="59"' in c.get("/").text
        assert 'data-total="59"' in c.get("/?page=2").text
        assert app.state.warehouse.opened == 1  # one night, opened once
        night_4 = make_lot("new-on-night-4", night=4, title="第四夜的新拍品", guarantors=[], collateral=[])
        publish_night(db, tmp_path / "runs", 4, by_source([night_4]))  # renamed over the file, as nightly does
        html = c.get("/").text
        assert 'data-total="60"' in html and lot_ids(html)[0] == "new-on-night-4"
        assert app.state.warehouse.opened == 2
        db.unlink()
        missing = c.get("/")
        assert missing.status_code == 503 and "no warehouse at" in missing.text
