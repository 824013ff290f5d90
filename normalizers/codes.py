"""Site codes and labels to the common enums: status, auction round, asset type, seller type.

Every table is a plain dict at module level, named by site, with the evidence in a comment (see
/work/shared/sources.md). An unknown code raises `CodeError` naming source and code: a new code means the site
changed and a person must map it; guessing would file lots under the wrong status or type.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import cn2an

from contracts.models import AssetType, Round, Status


class CodeError(ValueError):
    """A site code that no table knows. Names the source and the code."""

    def __init__(self, source: str, code: object, what: str) -> None:
        self.source, self.code = source, code
        super().__init__(f"{source}: unknown {what} code {code!r}")


# ---------------------------------------------------------------- status
ALIBABA_SOURCES = ("alibaba_sf", "alibaba_zc", "alibaba_mtop")
# sf/zc list JSON ``status`` (AliPmEnum.java, sources.md §1). ``done`` = 已结束: sold when bidCount ≥ 1.
ALIBABA_STATUS = {
    "todo": Status.upcoming,
    "doing": Status.ongoing,
    "done": Status.ended,
    "failure": Status.unsold,
    "break": Status.suspended,
    "revocation": Status.withdrawn,
}
# mtop search rows (sources.md §1b, one repo only, unverified): ing / end / sold / upcoming.
ALIBABA_MTOP_STATUS = {
    "ing": Status.ongoing,
    "end": Status.ended,
    "sold": Status.sold,
    "upcoming": Status.upcoming,
}
# JD auctionStatus (0 预告中 / 1 进行中 / 2 已结束); displayStatus overrides it (1 = 无异常). An ended auction
# (2, 无异常) is 成交 with a bid and 流拍 without one: see `status` and docs/labels.md (real answer of lot
# 280492523, tests/golden/real/jd_auction/realtime_ended_no_bid: auctionStatus 2, bidCount 0).
JD_AUCTION_STATUS = {"0": Status.upcoming, "1": Status.ongoing, "2": Status.ended}
JD_DISPLAY_STATUS = {
    "1": None,  # 无异常 (idx:18282350279, idx:18437517260)
    "3": Status.suspended,  # 已暂停 (idx:54630055527; unverified: one crawler)
    "5": Status.withdrawn,  # 已撤回
    "6": Status.suspended,  # 已暂缓
    "7": Status.suspended,  # 已中止 (written 已终止 by one crawler, idx:18282350279)
}
# JD's labels as its pages and crawlers write them (docs/labels.md); the codes above carry them.
JD_STATUS_LABELS = {
    "预告": Status.upcoming, "预告中": Status.upcoming,  # auctionStatus 0
    "进行中": Status.ongoing,  # auctionStatus 1
    "已结束": Status.ended,  # auctionStatus 2, before the bids are known
    "成交": Status.sold,  # auctionStatus 2 with bids; 成交确认书 (confirmationUrl)
    "流拍": Status.unsold,  # auctionStatus 2 without a bid: 竞价未成交的（即流拍的） (JD 竞拍须知, lot 280492523)
    "无异常": None,  # displayStatus 1
    "已暂停": Status.suspended, "已撤回": Status.withdrawn, "已暂缓": Status.suspended,
    "已中止": Status.suspended, "已终止": Status.withdrawn,  # displayStatus 3 / 5 / 6 / 7; 已终止: see CHINESE_STATUS
}  # fmt: skip
# gpai.net status codes (GPaiPmEnum.java); 103 上线 is not mapped: it does not say upcoming or ongoing. Its pages
# print labels: the list badge (real: tests/golden/real/gpai list_court_2018_04, 即将开始 on badge-bg103) and the
# detail's d-m-time (即将开始 / 正在拍卖 / 已结束 with 成交 / 流拍 / 撤拍: a public clone of the detail page); 正在拍卖
# is also the list's restate=2 filter name on the real page. docs/labels.md.
GPAI_STATUS = {"113": Status.unsold, "114": Status.sold, "125": Status.withdrawn, "正在拍卖": Status.ongoing}
# Labels any site may print (list badges, detail banners, rmfysszc 未开始 / 进行中 / 已结束).
CHINESE_STATUS = {
    "即将开始": Status.upcoming, "预告中": Status.upcoming, "预告": Status.upcoming, "未开始": Status.upcoming,
    "正在进行": Status.ongoing, "进行中": Status.ongoing, "竞价中": Status.ongoing,
    "已成交": Status.sold, "成交": Status.sold, "拍卖成交": Status.sold,
    "已流拍": Status.unsold, "流拍": Status.unsold, "流标": Status.unsold, "本场拍卖已流拍": Status.unsold,
    "中止": Status.suspended, "已中止": Status.suspended,
    "暂缓": Status.suspended, "已暂缓": Status.suspended,
    "已暂停": Status.suspended,
    "撤回": Status.withdrawn, "已撤回": Status.withdrawn, "撤拍": Status.withdrawn,
    # 终止: the sale is called off for good (not resumed like 中止); JD crawler idx:18282350279 writes it for
    # displayStatus 7, which the code table reads as suspended — the label alone means withdrawn. Unverified.
    "终止": Status.withdrawn, "已终止": Status.withdrawn,
    "已结束": Status.ended, "结束": Status.ended,
    # 中拍平台 (caa123) commercial list/detail badges: 正在拍卖 for paimai-web status 1, 已撤拍 for 4 (撤拍 in
    # idx:68779191655); the badge words themselves are the replica's (docs/sources_caa123.md). Unverified.
    "正在拍卖": Status.ongoing, "已撤拍": Status.withdrawn,
}  # fmt: skip
# 中拍平台 judicial API (sf.caa123.org.cn …/ws/0.1/lot/{id}) ``lotStatus``, a string: 0 即将开始, 1 正在进行,
# 2 已流拍, 3 已成交, 4 已终止, 5 已撤回, 6 已暂缓 (a 2022 crawler's docstring, idx:18383028528). Its commercial API
# (paimai.caa123.org.cn/paimai-web) uses 0-4 alike with 4 撤拍 (idx:68779191655): withdrawn either way.
CAA123_STATUS = {
    "0": Status.upcoming, "1": Status.ongoing, "2": Status.unsold, "3": Status.sold,
    "4": Status.withdrawn, "5": Status.withdrawn, "6": Status.suspended,
}  # fmt: skip
# 中拍平台 ``times`` → the round label. 1 第一次拍卖, 2 第二次拍卖 (CaaPmEnum.time, idx:2134148542); 3 is
# 第三次拍卖 there but 变卖 in a Scrapy spider of the judicial API (idx:46803537396, ``times == 3`` → 变卖), and a
# court sale has no third auction (一拍 → 二拍 → 变卖): 变卖 here. 4 第四次拍卖 (CaaPmEnum) → other. Unverified.
CAA123_TIMES = {"1": "第一次拍卖", "2": "第二次拍卖", "3": "变卖", "4": "第四次拍卖"}
# The AMC notice sites print no auction status (no public page shows one): the AMC parsers write these three
# labels from the dates a notice states (amc.status_label), and nothing else. docs/labels.md.
AMC_SOURCES = ("cinda_notice", "citic_amc_notice", "coamc_notice", "gwamc_notice")
AMC_STATUS_LABELS = {
    "未开始": Status.upcoming,  # an auction (竞价 / 拍卖 / 挂牌 …起至…) whose stated start is after the fetch
    "进行中": Status.ongoing,  # before the stated end (公告期 / 竞价期 / 请于…前)
    "已结束": Status.ended,  # after it; whether it sold is never published in the notice
}
# 人民法院诉讼资产网 list badges and time labels (real: tests/golden/real/rmfysszc/list_guangdong_2022 shows 即将开始,
# 已流标 with 流标时间, 已成交 with 成交时间; 预计剩余 → 进行中 and 结束时间 → 已结束 from a 2025 crawler, idx:68613461499).
# 已撤回 / 已中止 as badges: unverified (the replica's invention, no public list shows one). docs/labels.md.
RMFYSSZC_STATUS = {
    "已流标": Status.unsold, "流标时间": Status.unsold, "已成交": Status.sold, "成交时间": Status.sold,
    "开始时间": Status.upcoming, "预计剩余": Status.ongoing, "结束时间": Status.ended,
}  # fmt: skip
# CBEX 北京产权交易所 项目状态 and the list series: 预披露 (PG3, pre-disclosure: no transfer yet), 正式披露 (G3, the
# formal listing, open to bidders) — the stages public crawlers read (their 预披露 / 正式披露 / 已成交 tests);
# 已成交, 中止, 终结 are CHINESE_STATUS labels. docs/labels.md.
CBEX_STATUS_LABELS = {
    "预披露": Status.upcoming,
    "正式披露": Status.ongoing,
    "挂牌中": Status.ongoing,
    "终结": Status.withdrawn,  # unverified: the exchanges' word for a listing ended without a deal
}
SOURCE_STATUS = {
    "rmfysszc": RMFYSSZC_STATUS,
    "cbex": CBEX_STATUS_LABELS,
    "alibaba_sf": ALIBABA_STATUS,
    "alibaba_zc": ALIBABA_STATUS,
    "alibaba_mtop": ALIBABA_STATUS | ALIBABA_MTOP_STATUS,
    "gpai": GPAI_STATUS,
    "caa123": CAA123_STATUS,
}


def _key(raw: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw))).strip("【】[]!！")


def _jd_status(raw: object) -> Status:
    """JD: ``{"auctionStatus": 2, "displayStatus": 5}``, ``"2|5"``, ``(2, 5)`` or just the auctionStatus."""
    if isinstance(raw, dict):
        auction, display = raw.get("auctionStatus"), raw.get("displayStatus")
    elif isinstance(raw, (tuple, list)):
        auction, display = (*raw, None)[:2]
    else:
        auction, _, display = str(raw).partition("|")
    display_key = _key(display) if display not in (None, "") else "1"
    if display_key not in JD_DISPLAY_STATUS:
        raise CodeError("jd_auction", raw, "displayStatus")
    if JD_DISPLAY_STATUS[display_key] is not None:
        return JD_DISPLAY_STATUS[display_key]
    if _key(auction) not in JD_AUCTION_STATUS:
        raise CodeError("jd_auction", raw, "auctionStatus")
    return JD_AUCTION_STATUS[_key(auction)]


def status(source: str, raw: object, *, bid_count: int | None = None) -> str | None:
    """The `Status` value for a site's status code or label; None when ``raw`` is None or blank.

    ``source`` picks the code table (``alibaba_sf``, ``alibaba_zc``, ``alibaba_mtop``, ``jd_auction``,
    ``gpai``); Chinese labels (即将开始, 已流拍, 中止 …) work for every source. For ``jd_auction`` pass
    both codes as a dict ``{"auctionStatus": 2, "displayStatus": 5}``, a string ``"2|5"`` or a pair;
    displayStatus 3/5/6/7 overrides auctionStatus; a bare ``2`` / ``"2"`` is auctionStatus alone.
    An ended auction with ``bid_count`` ≥ 1 is ``sold`` (in these auctions any bid meets the reserve); a JD
    auction that ended with ``bid_count`` 0 is ``unsold`` (流拍: JD's own term for an ended sale without a bid).
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    key = "" if isinstance(raw, (dict, tuple, list)) else _key(raw)
    table = SOURCE_STATUS.get(source, {})
    if key in CHINESE_STATUS:
        result = CHINESE_STATUS[key]
    elif source == "jd_auction":
        result = _jd_status(raw)
    elif key.lower() in table:
        result = table[key.lower()]
    else:
        raise CodeError(source, raw, "status")
    if result is Status.ended and bid_count is not None and bid_count >= 1:
        result = Status.sold
    elif result is Status.ended and bid_count == 0 and source == "jd_auction":
        result = Status.unsold  # JD: an ended auction without a bid is 流拍 (its 竞拍须知 says so)
    return result.value


# ---------------------------------------------------------------- Alibaba labels, per source, with their evidence
# Every status and round label an Alibaba page generation writes, as the parsers meet it, with what it becomes here
# (`Status` / `Round` value; None = not read as a status or round) and where it was seen. "real: <case>" means on a
# page kept in tests/golden/real/<source>/<case>/ (see its ORIGIN.md); every other entry is known only from public
# crawler code or shared/sources.md and says "unverified". docs/labels.md lists the same table; a test reads each
# label through the parsers' own path and checks the value given here.
# Kinds: "list" = list JSON ``status``; "J_Status" = detail ``input#J_Status``; "banner" = the ended-lot sentence in
# ``div.pm-bid``; "price box" = ``li#sf-price span.title``; "title" = the 【】 title prefix; "sellOff" = list JSON
# ``sellOff: true``; "row" = mtop list row ``status``; "statusOrder" / "circ" = the sf home scene's row fields;
# "extraMap" = mtop ``extraMap.status``; "bidStatus" = mtop detail ``bidStatus``; "preTag" = mtop
# ``titleTag.preTags[].value``.
_SF_LIST_CODE = "unverified: AliPmEnum.java (dwifdji/real-project), idx:1245175581, sources.md §1"
ALIBABA_LABELS: dict[str, list[tuple[str, str, str | None, str]]] = {
    "alibaba_sf": [
        ("list", "doing", "ongoing", "real: home_2018_05 (18 lots)"),
        ("list", "todo", "upcoming", "real: home_2018_05 (16 lots of the next-days blocks)"),
        ("list", "done", "ended", _SF_LIST_CODE + " (sold when bidCount ≥ 1)"),
        ("list", "failure", "unsold", "unverified: no page kept here; a real 2019 list item quoted as a Python dict in "
         "a test (idx:158542139: sellOff, bidCount 0, ended 2019-12-10) has it"),
        ("list", "break", "suspended", _SF_LIST_CODE),
        ("list", "revocation", "withdrawn", _SF_LIST_CODE),
        ("J_Status", "4", "unsold", "real: detail_unsold_2017_09"),
        ("J_Status", "0", None, "unverified: replica invention (0 todo … 5 revocation); not read"),
        ("banner", "本场拍卖已流拍 ！", "unsold", "real: detail_unsold_2017_09 (div.pm-bid.bid-over h1.bid-fail)"),
        ("banner", "本场拍卖已中止 ！", "suspended", "unverified: replica invention (h1.bid-break)"),
        ("banner", "本标的物已撤回 ！", "withdrawn", "unverified: replica invention (h1.bid-revocation)"),
        ("banner", "本场拍卖已成交 ！", None, "unverified: replica invention (h1.bid-success); sold is read from 成交价"),
        ("price box", "当前价", None, "real: detail_unsold_2017_09 (also on an ended, unsold lot: says nothing)"),
        ("price box", "成交价", "sold", "unverified: sources.md §1"),
        ("title", "第一次拍卖", "first", "real: detail_unsold_2017_09 (【第一次拍卖】)"),
        ("title", "第二次拍卖", "second", "unverified: sources.md §1"),
        ("title", "一拍", "first", "unverified: sources.md §1"),
        ("title", "二拍", "second", "unverified: sources.md §1"),
        ("title", "变卖", "sell_off", "unverified: sources.md §1"),
        ("sellOff", "true", "sell_off", "real: home_2018_05 (lot 566438394421; meaning 变卖 from sources.md, unverified)"),
    ],
    "alibaba_zc": [
        ("list", "doing", "ongoing", "unverified: no real zc page found; same list JSON as sf (sources.md §1)"),
        ("list", "todo", "upcoming", "unverified: as above"),
        ("list", "done", "ended", "unverified: as above (sold when bidCount ≥ 1)"),
        ("list", "failure", "unsold", "unverified: as above"),
        ("list", "break", "suspended", "unverified: as above"),
        ("list", "revocation", "withdrawn", "unverified: as above"),
        ("title", "一拍", "first", "unverified: a third-party data dump, idx:17037783316 (【一拍】…债权项目)"),
        ("title", "二拍", "second", "unverified: sources.md §1"),
        ("title", "变卖", "sell_off", "unverified: sources.md §1"),
    ],
    "alibaba_mtop": [
        ("row", "upcoming", "upcoming", "unverified: idx:56114334141 (2025 crawler code)"),
        ("row", "ing", "ongoing", "unverified: idx:56114334141"),
        ("row", "sold", "sold", "unverified: idx:56114334141"),
        ("row", "end", "ended", "unverified: idx:56114334141"),
        ("row", "ongoing", "ongoing", "unverified: idx:60794823558 (sf home scene, 2025 crawler code)"),
        ("row", "ended", "ended", "unverified: idx:60794823558"),
        ("statusOrder", "0", "ongoing", "unverified: idx:60794823558 (正在拍卖)"),
        ("statusOrder", "1", "upcoming", "unverified: idx:60794823558 (its filter 0,1 = 进行中 + 即将开始)"),
        ("statusOrder", "2", "ended", "unverified: idx:60794823558 (已结束)"),
        ("circ", "2", "second", "unverified: idx:60794823558 reads circ N as 第N次拍卖; replica extraMap.circ"),
        ("extraMap", "doing", "ongoing", "unverified: sources.md §1b lists extraMap.status without values"),
        ("bidStatus", "1", "upcoming", "unverified: idx:56114334141 maps upcoming → 1"),
        ("bidStatus", "3", "ongoing", "unverified: idx:56114334141 maps ing → 3"),
        ("bidStatus", "4", "ended", "unverified: idx:56114334141 maps end → 4"),
        ("bidStatus", "5", "sold", "unverified: idx:56114334141 maps sold → 5"),
        ("preTag", "一拍", "first", "unverified: idx:56454476928 (titleTag.preTags)"),
        ("preTag", "二拍", "second", "unverified: idx:56454476928"),
        ("preTag", "变卖", "sell_off", "unverified: idx:56454476928"),
        ("preTag", "重新拍卖", "other", "unverified: idx:56454476928"),
    ],
}


# ---------------------------------------------------------------- round
# JD paimaiTimes (sources.md §2): 1 一拍, 2 二拍, 4 变卖; 0 = no round (无); 3 再次拍卖 (idx:56641449566) and
# 6 破产 (two crawlers, idx:18282350279 and idx:18437517260: {0: 无, 1: 一拍, 2: 二拍, 4: 变卖, 6: 破产}) → other.
JD_ROUND = {"1": Round.first, "2": Round.second, "3": Round.other, "4": Round.sell_off, "6": Round.other}
JD_ROUND_LABELS = {"一拍": Round.first, "二拍": Round.second, "再次拍卖": Round.other, "变卖": Round.sell_off,
                   "破产": Round.other}  # as JD's filters and these crawlers name paimaiTimes 1 / 2 / 3 / 4 / 6
_ROUND_WORD = re.compile(
    r"第?(?P<n>[一二三四五六七八九十\d]+)次(?:拍卖)?|(?P<short>[一二三四])拍|(?P<word>变卖|再次拍卖|重新拍卖)"
)
_BRACKETS = re.compile(r"[【\[〔](?P<inner>[^】\]〕]*)[】\]〕]")


@functools.lru_cache(maxsize=1024)  # round labels and 【】 groups repeat lot after lot; cn2an is slow
def _round_word(text: str) -> Round | None:
    m = _ROUND_WORD.fullmatch(re.sub(r"\s+", "", text))
    if m is None:
        return None
    if m["word"]:
        return Round.sell_off if m["word"] == "变卖" else Round.other
    n = m["n"] or m["short"]
    number = int(n) if n.isdigit() else int(cn2an.cn2an(n, "normal"))
    return {1: Round.first, 2: Round.second}.get(number, Round.other)


def auction_round(raw: object) -> str | None:
    """The `Round` value stated by ``raw``; None when it states none.

    ``raw`` is a round label (``第一次拍卖``, ``一拍``, ``第二次拍卖``, ``二拍``, ``变卖``;
    ``第三次拍卖`` / ``再次拍卖`` → other), the same in 【】 (``【变卖】``), a whole title whose 【…】
    groups are searched (``【第二次拍卖】运城空港…``), or JD's paimaiTimes written ``"jd:1"``
    (raises `CodeError` if unknown).
    """
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if text.startswith("jd:"):
        code = text[3:].strip()
        if code not in JD_ROUND:
            raise CodeError("jd_auction", raw, "paimaiTimes")
        return JD_ROUND[code].value
    found = _round_word(text)
    for m in _BRACKETS.finditer(text):
        found = found or _round_word(m["inner"])
    return None if found is None else found.value


def strip_round_prefix(title: str) -> str:
    """The title without its round brackets: ``【第一次拍卖】运城空港…`` → ``运城空港…`` (other 【】 stay)."""
    return _BRACKETS.sub(lambda m: "" if _round_word(m["inner"]) else m[0], title).strip()


# ---------------------------------------------------------------- asset type
A = AssetType
# Alibaba category ids, sf (``category=``, list ``catNames``) and zc (``front_category``), one namespace:
# AliPmEnum.java SF_TYPE_CODE / TYPE_CODE (idx:1442236252) and a category table (idx:16984359376).
ALIBABA_CATEGORY = {
    "50025969": A.real_estate,  # 住宅用房 / 房产
    "200782003": A.real_estate,  # 商业用房
    "200788003": A.real_estate,  # 工业用房
    "200798003": A.real_estate,  # 其他用房
    "50025970": A.land,  # 土地
    "50025971": A.other,  # 资产 / 实物资产
    "50025972": A.vehicle,  # 机动车
    "50025973": A.land,  # 林权
    "50025974": A.intangible,  # 矿权
    "50025975": A.other,  # 工程
    "50025976": A.other,  # 其他
    "200790004": A.vehicle,  # 航空交通
    "125228021": A.vehicle,  # 船舶
    "200794003": A.vehicle,  # 其他交通(工具)
    "125088031": A.equity,  # 股权
    "200816002": A.debt,  # 债权
    "200778005": A.land,  # 海域
    "200772003": A.equipment,  # 机器设备
    "122406001": A.intangible,  # 无形资产
    "200804006": A.other,  # 古玩字画
    "200808002": A.other,  # 珠宝首饰
    "201290015": A.other,  # 奢侈品
    "201272017": A.equipment,  # 通信设备
    "201280014": A.inventory,  # 农贸产品
    "56968002": A.inventory,  # 加贸边角料
    "56950002": A.real_estate,  # zc 房产
    "56940002": A.other,  # zc 其他资产
    "56968001": A.vehicle,  # zc 机动车
    "56972001": A.land,  # zc 土地
    "56936003": A.equipment,  # zc 机器设备 / 机械设备
    "56950003": A.equity,  # zc 股权
    "56970001": A.intangible,  # zc 无形资产
    "56956002": A.debt,  # zc 债权
    "57746020": A.land,  # zc 林权
    "57734016": A.vehicle,  # zc 船舶
    "57728018": A.intangible,  # zc 矿权
    "57758011": A.other,  # zc 工程
}
# JD childrenCateId 101-134 (sources.md §2; every name from two public crawlers' category tables,
# idx:18282350279 and idx:56641449566). Legacy auction.jd.com ids 127xx too.
JD_CATEGORY = {
    "101": A.real_estate,  # 住宅用房
    "102": A.real_estate,  # 商业用房
    "103": A.real_estate,  # 工业用房
    "104": A.real_estate,  # 其他用房
    "105": A.vehicle,  # 机动车
    "106": A.vehicle,  # 船舶
    "107": A.vehicle,  # 其他交通运输工具
    "108": A.equity,  # 股权
    "109": A.debt,  # 债权
    "110": A.intangible,  # 矿权
    "111": A.land,  # 林权
    "112": A.land,  # 土地
    "113": A.other,  # 工程
    "114": A.equipment,  # 机械设备
    "115": A.intangible,  # 无形资产
    "116": A.intangible,  # 知识产权
    "117": A.intangible,  # 租赁/经营权
    "118": A.other,  # 奢侈品
    "119": A.inventory,  # 生活物资
    "120": A.inventory,  # 工业物资
    "121": A.inventory,  # 库存物资
    "122": A.other,  # 打包处置
    "123": A.other,  # 其他财产
    "124": A.inventory,  # 大宗农产品
    "125": A.inventory,  # 其他大宗
    "126": A.inventory,  # 加贸边角料
    "127": A.inventory,  # 废旧物资
    "128": A.other,  # 黄金
    "129": A.inventory,  # 酒水
    "130": A.other,  # 珠宝首饰
    "131": A.inventory,  # 生鲜渔获
    "132": A.inventory,  # 废旧资产
    "133": A.inventory,  # 电子产品
    "134": A.inventory,  # 矿产资源
    "12728": A.real_estate,  # 司法住宅 (legacy)
    "12762": A.real_estate,  # 房产 (legacy)
    "12766": A.equity,  # 股权 (legacy)
    "12767": A.debt,  # 债权 (legacy)
}
# 中拍平台 ``standardType``, one namespace per side (the same number means different things on each): judicial
# ``sf:`` (a Java crawler's query table, idx:23202642847: 6 房产, 5 土地使用权, 16 股权, 14 债券 [sic, 债权 on the
# site's menu is the likelier reading], 4 集体土地使用权, 3 森林、林木使用权, 17 知识产权, 255 其他财产; secondaryType
# 6/26/27/28 住宅/商业/工业/其他用房, idx:2134148542) and commercial ``pm:`` (same file: 6 房产, 7 土地, 8 股权债权,
# 18 无形资产, 255 其他财产; 5 机动车 with the vehicle list, 20 the recyclables list, idx:68779191655).
CAA123_CATEGORY = {
    "sf:6": A.real_estate, "sf:5": A.land, "sf:16": A.equity, "sf:14": A.debt, "sf:4": A.land, "sf:3": A.land,
    "sf:17": A.intangible, "sf:255": A.other,
    "pm:6": A.real_estate, "pm:7": A.land, "pm:8": A.equity, "pm:18": A.intangible, "pm:255": A.other,
    "pm:5": A.vehicle, "pm:20": A.inventory,
}  # fmt: skip
# gpai.net type filter ``at=`` (the real 2018 court list page's filter links, tests/golden/real/gpai; 376 房产 and
# 381 土地 also in GPaiPmEnum.java).
GPAI_CATEGORY = {
    "376": A.real_estate,  # 房产
    "381": A.land,  # 土地
    "372": A.equity,  # 股权
    "378": A.vehicle,  # 机动车
    "383": A.vehicle,  # 船舶
    "377": A.inventory,  # 物资
    "382": A.intangible,  # 财产性权益
    "379": A.other,  # 其他
}
SOURCE_CATEGORY = {s: ALIBABA_CATEGORY for s in ALIBABA_SOURCES} | {"jd_auction": JD_CATEGORY,
                                                                    "caa123": CAA123_CATEGORY, "gpai": GPAI_CATEGORY}
# Category names as sites print them (sf catNames / collateralCatName, zc and JD menus).
CATEGORY_NAMES = {
    name: kind
    for kind, names in [
        (A.real_estate, "住宅用房 商业用房 工业用房 其他用房 房产 房屋 住宅 商铺 不动产"),
        (A.land, "土地 林权 海域 土地使用权"),
        (A.vehicle, "机动车 车辆 船舶 航空交通 其他交通 其他交通工具 交通运输工具"),
        (A.equipment, "机械设备 机器设备 设备 通信设备"),
        (A.equity, "股权 股票 股份"),
        (A.debt, "债权 不良资产 资产包 金融资产"),
        (A.inventory, "存货 货物 农贸产品 加贸边角料"),
        (A.intangible, "无形资产 矿权 知识产权 专利 商标"),
        (A.other, "其他 其他资产 其他财产 资产 实物资产 工程 奢侈品 古玩字画 珠宝首饰"),
    ]
    for name in names.split()
}
# Title keywords, tried in order (first hit wins). Equity comes before real estate and vehicles because
# share titles name the company (某房地产开发有限公司100%股权); 车 excludes 车位/车库/车间/车站.
TITLE_KEYWORDS = [
    (re.compile(r"债权|不良资产|资产包"), A.debt),
    (re.compile(r"股权|股份(?!有限)|股票"), A.equity),
    (
        re.compile(
            r"房产|住宅|商铺|房屋|公寓|别墅|厂房|写字楼|综合楼|办公楼|号楼|商品房|房地产|车位|车库|不动产|\d+[室房]|[栋幢]"
        ),
        A.real_estate,
    ),
    (re.compile(r"土地|地块|林权"), A.land),  # 土地一宗 (real sf home page, 2018); buildings matched above
    (re.compile(r"车(?!位|库|间|站)"), A.vehicle),
    (re.compile(r"设备|生产线"), A.equipment),
    (re.compile(r"存货|货物|库存"), A.inventory),
    (re.compile(r"专利|商标|著作权|采矿权|探矿权"), A.intangible),
]


def asset_type(source: str, category: object = None, title: str | None = None) -> str:
    """The `AssetType` value: from the site's category id or name, else from title keywords, else ``other``.

    A numeric category id unknown to the source's table raises `CodeError`; an unknown category *name* falls
    through to the title.
    """
    if category is not None and str(category).strip():
        key = _key(category)
        table = SOURCE_CATEGORY.get(source, {})
        if key in table:
            return table[key].value
        if key in CATEGORY_NAMES:
            return CATEGORY_NAMES[key].value
        if key.isdigit():
            raise CodeError(source, category, "category")
    for pattern, kind in TITLE_KEYWORDS:
        if title and pattern.search(title):
            return kind.value
    return A.other.value


# ---------------------------------------------------------------- seller type
# Disposal-unit name patterns, tried in order (first hit wins).
SELLER_PATTERNS = [
    (re.compile(r"法院"), "court"),
    (re.compile(r"管理人|清算组|破产"), "bankruptcy_administrator"),
    (re.compile(r"资产管理|信达|华融|长城资产|东方资产|中信金融资产"), "amc"),
    (re.compile(r"银行|农商行|农村商业|信用社|信用合作联社"), "bank"),
    (re.compile(r"政府|国资委|国有资产监督|海关|税务|公安|财政|检察院|监察委"), "government"),
    (re.compile(r"公司|有限|集团"), "enterprise"),
]


def seller_type(disposal_unit: str | None) -> str | None:
    """The `SellerType` value guessed from the disposal unit's name (处置单位); None for None or blank."""
    if disposal_unit is None or not disposal_unit.strip():
        return None
    for pattern, kind in SELLER_PATTERNS:
        if pattern.search(disposal_unit):
            return kind
    return "other"
