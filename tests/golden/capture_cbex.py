"""Save the CBEX golden inputs from the replica (seed 7; fetched at its server time 02:00 of the night).

Each page is the replica site's answer (`replicas.cbex.CbexSite`, the bytes a crawl receives) to the real URL, after
the Jiasule gate is passed with the parser's own solver; the two gate pages are saved as served. Existing
``input.*`` / ``case.json`` files are rewritten; ``expected.json`` files are left alone (delete one to have the golden
runner write it again for review).

    .venv/bin/python tests/golden/capture_cbex.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from crawlers.parsers.cbex import jsl_challenge  # noqa: E402
from replicas.cbex import CbexGenerator, CbexSite  # noqa: E402
from replicas.cbex.site import detail_path  # noqa: E402

OUT = Path(__file__).resolve().parent / "cbex"
BASE = "https://www.cbex.com.cn"
API = BASE + "/onss-api/jsonp/project/search?"
ZQ = "businessType=ZQ&disclosureType={d}&sortProperty=disclosuretime&sortDirection=1&mark=xm"
TJ = "businessType=TJ&disclosureType=TJ3&assetType=tj_jrzq&sortProperty=disclosuretime&sortDirection=1"


def main() -> None:
    gen = CbexGenerator(seed=7)
    jar: dict[str, str] = {}
    site = CbexSite(gen, cookies=lambda: "; ".join(f"{k}={v}" for k, v in jar.items()))

    def fetch(url: str, *, gate: bool = True) -> bytes:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        for _ in range(4):
            response = site.handle("www.cbex.com.cn", target)
            for name, value in response.headers:
                if name == "Set-Cookie":
                    key, val = value.split(";")[0].split("=", 1)
                    jar[key] = val
            if response.status != 521 or not gate:
                return response.body
            key, val = jsl_challenge(response.body)
            jar[key] = val
        raise SystemExit(f"gate not passed at {url}")

    n1 = gen.listings(1)
    package = next(x for x in n1 if x.mirrors and len(x.debtors) > 3)
    single = next(x for x in n1 if x.mirrors and len(x.debtors) == 1)
    bank = next(x for x in n1 if "银行" in x.transferor)
    pre = next(x for x in n1 if x.disclosure == "PG3")
    tj = next(x for x in n1 if x.business == "TJ")
    sold = next(x for x in n1 if x.sold_on_night == 2)
    near = next(x for x in n1 if x.near_miss and x.near_miss[2] == "one_debtor_differs")
    # (case, night, url, gate, note)
    cases = [
        ("interstitial_521_cookie_script", 1, BASE + "/xm/zqzc/ypl/", False,
         "Jiasule step 1: HTTP 521, document.cookie=('_')+… sets __jsl_clearance_s (refused as interstitial)"),
        ("list_zq_g3_page1", 1, API + f"callback=jQuery112401_1795111200000&fromPage=1&pageSize=15&{ZQ.format(d='G3')}"
         "&_=1795111200001", True, "JSONP /**/jQuery…({data:{data:[15 rows],totalPage,totalRecordNum}}); next page"),
        ("list_zq_g3_last_page", 1, API + f"callback=jQuery112401_1795111200000&fromPage=3&pageSize=15&"
         f"{ZQ.format(d='G3')}&_=1795111200003", True, "the last page of the series: no next page"),
        ("list_zq_pg3_plain_json", 1, API + f"fromPage=1&pageSize=15&{ZQ.format(d='PG3')}", True,
         "without callback the API answers plain JSON; the PG3 series is 预披露"),
        ("list_tj3_relative_urls", 1, API + f"callback=jQuery112402_1795111200000&fromPage=1&pageSize=15&{TJ}", True,
         "金融资产推介: rows with a relative url and price 面议"),
        ("detail_package_amc", 1, BASE + detail_path(package), True,
         "an AMC branch's package of several debtors (the AMC replica announces it too): 债权明细 in 万元, 合计 row"),
        ("detail_single_claim", 1, BASE + detail_path(single), True, "one debtor: debtor field and one loan"),
        ("detail_bank_seller", 1, BASE + detail_path(bank), True, "a bank's claim (seller_type bank)"),
        ("detail_pre_disclosure", 1, BASE + detail_path(pre), True, "项目状态 预披露 (upcoming)"),
        ("detail_tj_negotiable", 1, BASE + detail_path(tj), True, "推介 listing: 参考价格 面议 (no reserve price)"),
        ("detail_sold_night2", 2, BASE + detail_path(sold), True, "项目状态 已成交 on night 2"),
        ("detail_near_miss", 1, BASE + detail_path(near), True,
         "looks like an AMC package (same principal and date) but one debtor is another firm"),
    ]
    stage2 = None
    for case, night, url, gate, note in cases:
        site.set_night(night)
        jar.clear()
        body = fetch(url, gate=gate)
        if not gate:  # step 2 of the gate: answer step 1 and save what comes back
            key, val = jsl_challenge(body)
            jar[key] = val
            stage2 = site.handle("www.cbex.com.cn", urlsplit(url).path).body
        folder = OUT / case
        folder.mkdir(parents=True, exist_ok=True)
        ext = ("html" if b"<html" in body[:300].lower() or body.startswith(b"<script")
               else "json" if body.startswith(b"{") else "js")
        for old in folder.glob("input.*"):
            old.unlink()
        (folder / f"input.{ext}").write_bytes(body)
        (folder / "case.json").write_text(json.dumps(
            {"url": url, "fetched_at": f"2026-11-{19 + night}T02:00:00+08:00", "note": f"replica seed 7, night "
             f"{night}: {note}"}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    folder = OUT / "interstitial_521_go_challenge"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "input.html").write_bytes(stage2)
    (folder / "case.json").write_text(json.dumps(
        {"url": BASE + "/xm/zqzc/ypl/", "fetched_at": "2026-11-20T02:00:00+08:00",
         "note": "replica seed 7, night 1: Jiasule step 2: HTTP 521, go({bts, chars, ct, ha}) (refused as "
                 "interstitial)"}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(cases) + 1} cases under {OUT}")


if __name__ == "__main__":
    main()
