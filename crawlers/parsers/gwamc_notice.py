"""China Great Wall AMC (中国长城资产, www.gwamcc.com): disposal notices (资产处置公告) and the asset-marketing list.

- notices: ``GET https://www.gwamcc.com/Ajax/GetArticleList.ashx?pIndex=N&pSize=20&liName=64`` →
  ``{"ds":[{"ID","Title","ActionDate"}]}`` (no total: a full page may have a successor);
- a notice: ``https://www.gwamcc.com/HiringDetail.aspx?ID={ID}`` is a shell — its script fetches
  ``Ajax/GetArticleInfo.ashx?ID=`` and inserts the body into ``#divContent`` (title ``#lblTitle``, ``#lblDate``
  ``发布时间：YYYY-MM-DD 来源：…``). The spider renders it in a browser; this parser reads the rendered page and refuses
  the bare shell (no content without the script);
- assets: ``GET Ajax/GetTjieInfo.ashx?pSize=100&pIndex=N`` →
  ``{"pager":[{"pCount"}],"ds":[{ADate,City,CityName,ID,MoneyTotal,PName,ProName,ProType,ProTypeName,Trade,TradeName,r_n}]}``,
  one lot per row (id ``asset-{ID}``, page ``MCInfoDetail.aspx?ID=``: the replica's guess, unverified), ``ProName``
  the asset. What the columns hold is read from a real dump of the whole list (15,400 rows, 2006-09 … 2018-08,
  tests/golden/real/gwamc_notice/ORIGIN.md): ``CityName`` is the asset's **province** as a short name (天津, 四川,
  内蒙古; empty in most rows before 2008), ``PName`` the site's number for that province (2 ↔ 天津, 23 ↔ 四川: one
  name per number, kept in raw), ``City`` a number in the site's own table (the same number appears under several
  provinces, so it is no division code: raw only) or, in five rows, a city's name as text (锡林浩特, 昆山, 伊宁: read
  as the asset's city in its province). ``pIndex`` counts from 0 (the dump fetched 0…pCount-1, ``r_n`` 1…15,400
  without a gap). ``ProTypeName``: 债权资产 / 股权资产 / 上市公司 / 物权资产 / 无 / empty
  (the last four typed by the title). 上市公司 (ProType 5, 2007-01 … 2013-05, 223 rows of the dump) is not listed
  shares: it is the site's property type before 物权资产 (ProType 1, from 2013-07 on) took its place — 181 of its 223
  titles name 房, 土地, 物权, 抵债, 楼, 大厦 or a car, 30 more a 厂, 设备 or 资产, none shares (股权, 股票, 上市). ``TradeName`` the debtor's trade, as served (``"制造业\n"`` with its newline).
  ``ProName`` often starts with the branch (…天津市分公司, …呼和浩特办事处): the branch's place is where the AMC sits,
  not where the asset lies, so it is not read as the place. Two real rows have no ``ProName`` at all: they are
  left out of the page (listed in ``ListPage.extra["skipped"]``) rather than losing the page.
- quirk: ``MoneyTotal`` comes in every form (``7,816,582.53元（截止2018年5月21日）``, ``59633.95万元``, ``515,296,623.88``,
  ``100-300万元``, ``500万元以下``, ``1亿以上``, ``9731万股（…）``, ``债权总额：…``, ``1184``,
  ``债权本金X万元，债权利息Y万元，基准日2017-10-31``, ``抵债资产账面值：702,000.00元``). It is read with
  ``parse_amount(text, unit=money_unit(title))``: for a 债权 asset one CNY amount is its ``total_claim`` (one labelled 本金 /
  利息 alone its ``principal`` / ``interest``), a breakdown (kind ``split``) goes whole to ``total_claim`` where the
  normalizer puts its parts in ``principal`` / ``interest`` (and ``total_claim`` only where a total is stated); the
  as-of date becomes ``claim_as_of``. The money fields carry the same ``units``, so the normalizer reads them alike. ``抵债资产账面值`` (the book value of assets taken in settlement) is neither a claim nor an
  appraisal nor a market price: raw only (``raw["book_value"]``, yuan). An amount the text calls an appraisal
  (``资产评估价值为30409.52万元``, a 物权 asset of 2017) is the lot's ``appraisal_price``, whatever its type. Anything else (a range, shares, a number
  inside words without a unit) stays out of the money fields and is kept, with what it is, in ``raw["MoneyTotal"]``.
  A bare number (404 of the dump's 15,400 rows) is yuan in some rows and 万元 in others, the same branch writing both;
  it is read in the one unit that makes it a possible claim (``normalizers.amounts.CLAIM_BOUNDS``: ``16.58`` for a
  natural person's debt is 165,800 yuan, ``515,296,623.88`` for 82 debtors is yuan), at most 100亿 where the title names
  one debtor (``3,151,446.05`` for one company is yuan; `MANY_DEBTORS`: 等, 户, 笔, 包, 、 or 批 in the title make it
  a package, whose claim may reach 1000亿), or as Great Wall writes 万元 where both units could be (digits below
  the fen: ``11089.007312``; no separators below 100,000: ``82337.29``); the unit is said in ``raw["MoneyTotal"]["unit_inferred"]``
  and the lot's ``raw["units_inferred"]``, and the number refused where both units (or neither) remain possible
  (``87,729.45``, ``0``). Of the dump's bare numbers 402 are read and 19 refused.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from crawlers.parsers import amc
from crawlers.parsers.amc import Body, decode, is_interstitial  # noqa: F401
from crawlers.parsers.base import ListPage, ParseError, RawRecord
from normalizers.amounts import EITHER_UNIT, EITHER_UNIT_ONE_DEBTOR, Amount, parse_amount
from normalizers.places import parse_place

SOURCE = "gwamc_notice"
BASE = "https://www.gwamcc.com/"
DETAIL_URL = BASE + "HiringDetail.aspx?ID={id}"
ASSET_URL = BASE + "MCInfoDetail.aspx?ID={id}"
ASSET_TYPES = {"债权资产": "debt", "债权": "debt", "股权资产": "equity", "股权": "equity"}
# 实物资产 / 物权资产 / 上市公司 (the site's property type until 2013, see above) / 无 / empty: typed by the title
BOOK_VALUE = "抵债资产账面值"
APPRAISAL = "评估价"  # 资产评估价值为…, 评估价…
# A title naming more than one debtor (…等39户, 556笔小微贷款, 工行山东包, A、B): its claim may pass one debtor's most
MANY_DEBTORS = re.compile("等|户|笔|包|、|批")


def page_kind(text: str) -> str | None:
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return "list"
    if 'id="divContent"' in text or "id=divContent" in text:
        return "detail"
    return None


def _query(url: str) -> dict[str, str]:
    return {k.lower(): v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _with(url: str, **params: Any) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    """The notice list (``GetArticleList``) or the asset list (``GetTjieInfo``)."""
    data = amc.loads(decode(body), SOURCE, url)
    rows = data.get("ds") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ParseError(SOURCE, "ds", url, "no ds list in the response")
    query = _query(url)
    size = int(query.get("psize") or 0) or None
    if "pager" in data or "gettjieinfo" in urlsplit(url).path.lower():
        index = int(query.get("pindex") or 0)  # the asset list's pages count from 0: pIndex 0 … pCount-1
        records, skipped = [], []
        for row in rows:  # a row without a title (two in the real list) is left out, not the page with it
            if isinstance(row, dict) and not amc.squash(str(row.get("ProName") or "")) and row.get("ID") is not None:
                skipped.append({"ID": row.get("ID"), "why": "no ProName"})
                continue
            records.append(asset_record(row, url, fetched_at))
        pager = data.get("pager") or [{}]
        count = pager[0].get("pCount") if pager and isinstance(pager[0], dict) else None
        more = bool(rows) and (size is None or len(rows) >= size) and (count is None or index + 1 < int(count))
        return ListPage(records, next_url=_with(url, pIndex=index + 1) if more else None,
                        total_pages=int(count) if count is not None else None,
                        extra={"skipped": skipped} if skipped else {})
    index = int(query.get("pindex") or 1)
    records = [notice_record(row, url, fetched_at) for row in rows]
    more = bool(rows) and size is not None and len(rows) >= size
    return ListPage(records, next_url=_with(url, pIndex=index + 1) if more else None)


def notice_record(row: dict[str, Any], url: str, fetched_at: datetime) -> RawRecord:
    lot_id = row.get("ID")
    if lot_id is None or not str(lot_id).strip():  # refused naming the list page, not a lot URL made of "None"
        raise ParseError(SOURCE, "ID", url, "a list row without an id")
    record = amc.identity(SOURCE, lot_id, DETAIL_URL.format(id=lot_id), fetched_at)
    title = amc.squash(row.get("Title"))
    if not title:
        raise ParseError(SOURCE, "Title", url)
    record.update(title=title, seller_type="amc")
    unit = amc.branch_of(title)
    if unit:
        record["disposal_unit"] = unit
    if row.get("ActionDate"):
        record["start_at"] = amc.date_part(row["ActionDate"]) or row["ActionDate"]
        record["raw"] = {"published_at": row["ActionDate"]}
    return record


def money_unit(title: str) -> str:
    """The unit a bare ``MoneyTotal`` is read in: ``yuan_or_wan_one_debtor`` for a title that names one debtor,
    ``yuan_or_wan`` for one that names more (`MANY_DEBTORS`)."""
    return EITHER_UNIT if MANY_DEBTORS.search(title) else EITHER_UNIT_ONE_DEBTOR


@lru_cache(maxsize=4096)
def money_total(text: str, unit: str) -> Amount:
    """``parse_amount(text, unit=unit)``, remembered (an `Amount` is frozen): the older pages of the real list give
    most rows one of a few range texts (2006–2012: 92–95 rows of 100 repeat a text of their page, 500万元以下 94
    times); later pages' amounts are their own."""
    return parse_amount(text, unit=unit)


def asset_record(row: dict[str, Any], url: str, fetched_at: datetime) -> RawRecord:
    """One row of the asset list: a lot whose money is ``MoneyTotal`` (a bare number in yuan or 万元 by its size)."""
    lot_id = row.get("ID")
    if lot_id is None or not str(lot_id).strip():  # refused naming the list page, not a lot URL made of "None"
        raise ParseError(SOURCE, "ID", url, "an asset row without an id")
    record = amc.identity(SOURCE, f"asset-{lot_id}" if lot_id is not None else None,
                          ASSET_URL.format(id=lot_id), fetched_at)
    title = amc.squash(row.get("ProName"))
    if not title:
        raise ParseError(SOURCE, "ProName", url)
    record.update(title=title, seller_type="amc", disposal_unit=amc.COMPANY_NAMES[SOURCE])
    type_name = amc.squash(str(row.get("ProTypeName") or ""))
    if type_name in ASSET_TYPES:
        record["asset_type"] = ASSET_TYPES[type_name]
    raw: dict[str, Any] = {}
    province = amc.squash(str(row.get("CityName") or ""))  # the province's short name (see the module docstring)
    if province:
        place = parse_place(province)  # its province level only: 吉林 is also a city of 吉林省
        record["province"] = place.province or province
        city = row.get("City")
        if isinstance(city, str) and amc.squash(city) and not amc.squash(city).lstrip("-").isdigit():
            found = parse_place(record["province"] + amc.squash(city))  # 锡林浩特 in 内蒙古
            if found.province == place.province and (found.city or found.district):
                for level in ("city", "district"):
                    if getattr(found, level):
                        record[level] = getattr(found, level)
    if row.get("ADate"):
        record["start_at"] = amc.date_part(str(row["ADate"])) or row["ADate"]
        raw["published_at"] = row["ADate"]
    text = row.get("MoneyTotal")
    if text not in (None, ""):
        unit = money_unit(title)
        amount = money_total(str(text), unit)
        found_money = {k: v for k, v in amount.to_json().items() if v is not None}
        raw["MoneyTotal"] = found_money
        is_debt = record.get("asset_type") == "debt"
        one_yuan_amount = amount.kind == "amount" and amount.currency == "CNY"
        if one_yuan_amount and BOOK_VALUE in str(text):
            raw["book_value"] = str(amount.value)
        elif one_yuan_amount and APPRAISAL in str(text):
            record["appraisal_price"] = str(text)
            record["units"] = {"appraisal_price": unit}
        elif one_yuan_amount and is_debt:
            field = ("principal" if amount.principal is not None else
                     "interest" if amount.interest is not None else "total_claim")
            record[field] = str(text)
            record["units"] = {field: unit}
        elif amount.kind == "split" and amount.currency == "CNY" and is_debt:
            record["total_claim"] = str(text)  # the normalizer spreads the parts over principal / interest
            record["units"] = {"total_claim": unit}
    for key in ("ProTypeName", "TradeName", "PName", "City", "Trade"):
        if amc.squash(str(row.get(key) if row.get(key) is not None else "")):
            raw[key] = row[key]
    record["raw"] = raw
    return record


def parse_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    """A rendered notice page (after its script inserted the body)."""
    tree = amc.soup(decode(body))
    content = tree.css_first("#divContent")
    if content is None:
        raise ParseError(SOURCE, "divContent", url, "not a notice page")
    if not content.text().strip() and content.css_first("table") is None:
        raise ParseError(SOURCE, "divContent", url, "the body is loaded by script: render the page in a browser "
                                                    "(this is the bare shell)")
    lot_id = _query(url).get("id")
    title = amc.node_text(tree.css_first("#lblTitle"))
    info = amc.node_text(tree.css_first("#lblDate"))
    published = amc.date_part(info.split("来源")[0]) if info else None
    source_unit = info.split("来源：", 1)[1].strip() if "来源：" in info else None
    return amc.detail_record(SOURCE, content, lot_id=lot_id, url=DETAIL_URL.format(id=lot_id),
                             fetched_at=fetched_at, title=title, published=published, unit_hint=source_unit)
