"""Save the AMC golden inputs from the replica (seed 7, night 1, fetched at its server time 2026-11-20 02:00).

Every page is fetched over HTTP from a running `ReplicaServer` exactly as a crawl gets it (GET, or POST with the
spider's form); Great Wall's notice pages are rendered by Debian's Chromium with the crawl's flags and host rules and
saved as the browser leaves them (``page.content()``). Existing ``input.*`` / ``case.json`` files are rewritten;
``expected.json`` files are left alone (delete one to have the golden runner write it again for review).

    .venv/bin/python tests/golden/capture_amc.py
"""

from __future__ import annotations

import asyncio
import http.client
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from crawlers.browser import CHROMIUM, CHROMIUM_ARGS, replica_browser_args  # noqa: E402
from replicas.server import ReplicaServer  # noqa: E402

GOLDEN = Path(__file__).resolve().parent
AT = "2026-11-20T02:00:00+08:00"
REPLICA = "replica seed 7, night 1"

GW = "https://www.gwamcc.com"
CITIC = "https://www.famc.citic"
CINDA = "https://www.cinda.com.cn"
CINDA_DETAIL = CINDA + "/home/pc/cn/xdjt/qykhpd/blzcjy/zcggxq/index.shtml?bulletintno="
COAMC = "https://sales.coamc.com.cn"
COAMC_API = COAMC + "/coamc/api/getNoticePage"

# (source, case, url, POST form or None, how: "http" | "browser", note)
CASES = [
    ("gwamc_notice", "list_notices_page1", GW + "/Ajax/GetArticleList.ashx?pIndex=1&pSize=5&liName=64", None, "http",
     "notice list JSON (ds: ID, Title, ActionDate), a full page of 5 so a next page is asked for"),
    ("gwamc_notice", "assets_replica_page", GW + "/Ajax/GetTjieInfo.ashx?pSize=12&pIndex=0", None, "http",
     "asset list JSON (pager.pCount, ds rows with MoneyTotal in several forms)"),
    ("gwamc_notice", "rendered_large_two_level_header", GW + "/HiringDetail.aspx?ID=26201", None, "browser",
     "rendered notice: 69户 package, table shows 10, two-level header 债权金额（万元） over spaced 本 金/利 息/合 计, "
     "debtor and amount rowspans, prose package totals (difference recorded), xlsx + pdf attachments, deadline"),
    ("gwamc_notice", "rendered_subtotals_auction", GW + "/HiringDetail.aspx?ID=26127", None, "browser",
     "rendered notice: 单位：万元 above the table, 地区 rowspans, 小计 rows then 合计, fees column, an auction "
     "starting after the crawl (upcoming)"),
    ("gwamc_notice", "rendered_foreign_currency", GW + "/HiringDetail.aspx?ID=26164", None, "browser",
     "rendered notice: 币种 column with 人民币/美元/港元 rows, one 合计 row per currency, 金额单位：元, "
     "'20个工作日' period (no status)"),
    ("gwamc_notice", "rendered_odd_rows", GW + "/HiringDetail.aspx?ID=26080", None, "browser",
     "rendered notice: 详见附件 in an interest cell, a row without debtor, continuation row without 序号, "
     "a 注 row spanning the table"),
    ("gwamc_notice", "rendered_no_unit", GW + "/HiringDetail.aspx?ID=26177", None, "browser",
     "rendered notice: a claim table that states no unit anywhere: amounts kept raw, never taken as yuan"),
    ("gwamc_notice", "rendered_single_claim", GW + "/HiringDetail.aspx?ID=26150", None, "browser",
     "rendered notice: one claim in prose (债务人/保证人/抵押物 lines, totals in 元), 公告期 range"),
    ("gwamc_notice", "shell_not_rendered", GW + "/HiringDetail.aspx?ID=26190", None, "http",
     "the page as served, before its script runs: no body, refused (it must be rendered in a browser)"),
    ("citic_amc_notice", "list_page1", CITIC + "/ywjs/ywdt/zcczxx/index.shtml", None, "http",
     "SSR list page 1 of 2: 20 links with dates, 下一页 → index_2.shtml"),
    ("citic_amc_notice", "list_last_page", CITIC + "/ywjs/ywdt/zcczxx/index_2.shtml", None, "http",
     "SSR list, last page (no 下一页)"),
    ("citic_amc_notice", "detail_wan_header_auction_ended", CITIC + "/ywjs/ywdt/zcczxx/2026/96060.shtml", None,
     "http", "blzcwz_text: units in the headers （万元）, Word-style cells, 合计 colspan, auction over"),
    ("citic_amc_notice", "detail_as_of_column_fees", CITIC + "/ywjs/ywdt/zcczxx/2026/96122.shtml", None, "http",
     "per-row 基准日 column (two date formats), （人民币元） headers, 代垫费用, 债权总额, deadline"),
    ("citic_amc_notice", "detail_large_two_level", CITIC + "/ywjs/ywdt/zcczxx/2026/96174.shtml", None, "http",
     "large package: table of the first households, prose totals of all (check difference), two-level header"),
    ("citic_amc_notice", "detail_single_claim", CITIC + "/ywjs/ywdt/zcczxx/2026/96225.shtml", None, "http",
     "single claim in prose, deadline (请于…前)"),
    ("citic_amc_notice", "detail_real_estate", CITIC + "/ywjs/ywdt/zcczxx/2026/96111.shtml", None, "http",
     "foreclosed property: 评估价值 → appraisal, upcoming auction"),
    ("citic_amc_notice", "detail_equity", CITIC + "/ywjs/ywdt/zcczxx/2026/96290.shtml", None, "http",
     "equity stake: no amounts, 公告期 range"),
    ("citic_amc_notice", "detail_marketing", CITIC + "/ywjs/ywdt/zcczxx/2026/96303.shtml", None, "http",
     "招商公告: package totals in prose only, households in the title, two attachments"),
    ("cinda_notice", "list_api_page1", CINDA + "/api/asset/wtdf/json/bulletin/listData",
     {"currentPage": "1", "pageSize": "10", "seachbulltin": "bulletin"}, "http",
     "POST list API page 1: data.data rows (id, code, name, createtime, amount without unit, dealoffice), pageCount"),
    ("cinda_notice", "detail_package_attachments", CINDA_DETAIL + "8464", None, "http",
     "编号/发布时间/资产总额（单位：万元）, table in 元, two attachments, 相关资产信息 footer with other bulletins' links"),
    ("cinda_notice", "detail_subtotals", CINDA_DETAIL + "8476", None, "http",
     "单位：万元 paragraph, 小计/合计 rows, fees; no period stated"),
    ("cinda_notice", "detail_foreign_currency", CINDA_DETAIL + "8441", None, "http",
     "币种 rows 美元/港元/人民币, per-currency 合计; 资产总额 is the CNY 合计 only"),
    ("cinda_notice", "detail_single_claim", CINDA_DETAIL + "8487", None, "http",
     "single claim in prose, deadline"),
    ("cinda_notice", "detail_real_estate", CINDA_DETAIL + "8480", None, "http",
     "抵债资产: 资产总额 is the appraisal, not a claim (kept raw only), appraisal_price from the prose"),
    ("cinda_notice", "detail_equity", CINDA_DETAIL + "8462", None, "http", "equity: no 资产总额, no amounts"),
    ("cinda_notice", "detail_marketing", CINDA_DETAIL + "8456", None, "http",
     "招商公告: prose totals, auction over"),
    ("cinda_notice", "detail_no_unit", CINDA_DETAIL + "8448", None, "http",
     "claim table without any unit: amounts kept raw; no 资产总额 line"),
    ("coamc_notice", "list_api_asset_packages", COAMC_API,
     {"title": "", "type": "ASSET_DISPOSITION", "branchId": "", "condition": "0", "pageSize": "20", "page": "1",
      "noticeCate": "1"}, "http",
     "POST list API (type ASSET_DISPOSITION): content rows, some titles/branch names double-encoded (mojibake)"),
    ("coamc_notice", "list_api_investment", COAMC_API,
     {"title": "", "type": "INVESTMENT", "branchId": "", "condition": "0", "pageSize": "20", "page": "1",
      "noticeCate": "2"}, "http", "POST list API (type INVESTMENT, noticeCate 2), one mojibake row"),
    ("coamc_notice", "detail_as_of_column", COAMC + "/html/{url:d094b925dd}", None, "http",
     ".notice-detail.clear (branch first line), 基准日 column, no period"),
    ("coamc_notice", "detail_mojibake_page", COAMC + "/html/{url:50aa9ca523}", None, "http",
     "the notice body stored double-encoded (UTF-8 read as latin1): repaired before parsing"),
    ("coamc_notice", "detail_mojibake_subtotals", COAMC + "/html/{url:8fb695eb94}", None, "http",
     "double-encoded body with 单位：万元, 小计 and 合计 rows"),
    ("coamc_notice", "detail_foreign_currency", COAMC + "/html/{url:c53f12ed27}", None, "http",
     "币种 rows, per-currency 合计, deadline"),
    ("coamc_notice", "detail_odd_rows", COAMC + "/html/{url:a0787d9329}", None, "http",
     "详见附件 cell, row without debtor, continuation row, note row; period over (ended)"),
    ("coamc_notice", "detail_single_claim_mojibake", COAMC + "/html/{url:149908c045}", None, "http",
     "single claim, double-encoded body, upcoming auction"),
    ("coamc_notice", "detail_real_estate", COAMC + "/html/{url:d8d90e5e03}", None, "http",
     "抵债物 (DEBTS_DISPOSITION): appraisal, 公告期 range"),
    ("coamc_notice", "detail_equity_mojibake", COAMC + "/html/{url:1affa88dfd}", None, "http",
     "STOCK_DISPOSITION (equity from the type), double-encoded body, period over"),
]


def resolve(url: str, replica: ReplicaServer) -> str:
    if "{url:" not in url:
        return url
    from replicas.amc.sites import coamc_url

    prefix = url.split("{url:")[1].rstrip("}")
    notice = next(n for n in replica.amc_generator.notices("coamc", 1) if n.notice_id.startswith(prefix))
    return COAMC + coamc_url(notice)


def fetch(replica: ReplicaServer, url: str, form: dict | None) -> bytes:
    from urllib.parse import urlencode

    host, _, path = url.split("://", 1)[1].partition("/")
    conn = http.client.HTTPConnection("127.0.0.1", replica.port)
    body = urlencode(form).encode() if form is not None else None
    headers = {"Host": host}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request("POST" if body is not None else "GET", "/" + path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    assert response.status == 200, (url, response.status)
    return data


async def render(replica: ReplicaServer, urls: list[str]) -> dict[str, bytes]:
    from playwright.async_api import async_playwright

    out = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=[*CHROMIUM_ARGS, *replica_browser_args(replica.base_url)])
        for url in urls:
            page = await browser.new_page()
            await page.goto(url.replace("https://", "http://"))
            await page.wait_for_selector("#divContent > *", state="attached")
            out[url] = (await page.content()).encode("utf-8")
            await page.close()
        await browser.close()
    return out


def main() -> None:
    with ReplicaServer(seed=7, n_lots=50, night=1, interstitial_rate=0) as replica:
        urls = {(source, case): resolve(url, replica) for source, case, url, *_ in CASES}
        rendered = asyncio.run(render(replica, [urls[c[0], c[1]] for c in CASES if c[4] == "browser"]))
        for source, case, _, form, how, note in CASES:
            url = urls[source, case]
            body = rendered[url] if how == "browser" else fetch(replica, url, form)
            folder = GOLDEN / source / case
            folder.mkdir(parents=True, exist_ok=True)
            ext = "json" if body.lstrip()[:1] in (b"{", b"[") else "html"
            for old in folder.glob("input.*"):
                old.unlink()
            (folder / f"input.{ext}").write_bytes(body)
            meta = {"url": url, "fetched_at": AT, "note": f"{REPLICA}{', rendered by Chromium' if how == 'browser' else ''}"
                                                          f"{', POST ' + json.dumps(form) if form else ''}: {note}"}
            (folder / "case.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            print(f"{source}/{case}: {len(body):,} bytes")


if __name__ == "__main__":
    main()
