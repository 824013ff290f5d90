"""The gpai replica: its lists page and filter like the site's, every lot it lists has a lot page that agrees with
the list, `relist_lots` describes the very lots it serves, and a lot's state moves on between nights."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from crawlers.parsers import gpai
from normalizers.dates import parse_datetime
from replicas.gpai import GpaiGenerator, GpaiSite, relist_lots

AT = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
LIST = "http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate={}&at={}"


def get(site: GpaiSite, url: str):
    parts = url.split("://", 1)[1]
    host, _, target = parts.partition("/")
    return site.handle(host, "/" + target)


def crawl(site: GpaiSite) -> dict[str, dict]:
    """Every lot the lists show, by walking each state × type list page by page, merged with its lot page."""
    found = {}
    for restate in "1234":
        for kind in ("376", "381", "372", "378", "383", "377", "382", "379"):
            url = LIST.format(restate, kind)
            while url:
                page = gpai.parse_list(get(site, url).body, url, AT)
                for record in page.records:
                    assert record["source_lot_id"] not in found
                    body = get(site, record["url"]).body
                    found[record["source_lot_id"]] = {**record, **gpai.parse_detail(body, record["url"], AT)}
                url = page.next_url
    return found


def test_the_lists_show_every_lot_once_and_relist_lots_describes_them():
    site = GpaiSite(GpaiGenerator(seed=3, n_lots=120), redirect_rate=0)
    found = crawl(site)
    truth = {str(lot["id"]): lot for lot in relist_lots(seed=3, n_lots=120, night=1)}
    assert set(found) == set(truth) and len(truth) > 60
    for lot_id, lot in truth.items():
        record = found[lot_id]
        assert record["title"].split("】", 1)[1] == lot["title"] and record["disposal_unit"] == lot["court"]
        assert Decimal(record["reserve_price"].removesuffix("元")) == lot["start_price"]
        assert parse_datetime(record["start_at"]) == lot["start_time"]  # the lot page's notice, as the list's
        assert record.get("location") == lot["address"]


def test_a_court_list_the_error_page_and_robots():
    site = GpaiSite(GpaiGenerator(seed=3, n_lots=120), redirect_rate=0)
    court = "http://www.gpai.net/sf/court.do?id=1101&at=376&restate=1"
    page = gpai.parse_list(get(site, court).body, court, AT)
    assert all(r["disposal_unit"] == "上海市第一中级人民法院" for r in page.records)
    error = get(site, "http://www.gpai.net/sf/item2.do?Web_Item_ID=1").body
    assert gpai.redirect_target(error, "http://www.gpai.net/sf/item2.do?Web_Item_ID=1") == "http://www.gpai.net/sf/"
    assert get(site, "http://www.gpai.net/robots.txt").status == 200


def test_the_error_redirect_is_served_once_per_lot_and_night():
    site = GpaiSite(GpaiGenerator(seed=3, n_lots=120), redirect_rate=1.0)
    url = relist_lots(seed=3, n_lots=120, night=1)[0]["url"]
    first, second = get(site, url), get(site, url)
    assert gpai.redirect_target(first.body, url) is not None and first.kind == "error"
    assert second.kind == "detail" and gpai.parse_detail(second.body, url, AT)["title"]


def test_the_next_night_moves_lots_on():
    gen = GpaiGenerator(seed=3, n_lots=300)
    one = {lot.item_id: lot for lot in gen.lots_for(1)}
    two = {lot.item_id: lot for lot in gen.lots_for(2)}
    assert set(one) <= set(two)  # nothing published disappears
    assert any(one[k].state != two[k].state for k in one)  # a start or an end between the two nights
    assert all(two[k].views >= one[k].views for k in one) and any(two[k].views > one[k].views for k in one)


def test_a_lot_page_states_its_period_and_a_running_lot_its_end_on_the_list():
    """The lot page's notice gives start and end (the list shows a running lot's 预计结束 only, as the real one)."""
    generator = GpaiGenerator(seed=11, n_lots=120)  # a night with running lots (seed 3 has none)
    site = GpaiSite(generator, redirect_rate=0)
    lots = generator.lots_for(1)
    checked = set()
    for lot in lots:
        url = f"http://www.gpai.net/sf/item2.do?Web_Item_ID={lot.item_id}"
        record = gpai.parse_detail(get(site, url).body, url, AT)
        assert parse_datetime(record["start_at"]) == datetime.fromtimestamp(lot.start_ms / 1000, ZoneInfo("Asia/Shanghai"))
        assert parse_datetime(record["end_at"]) == datetime.fromtimestamp(lot.end_ms / 1000, ZoneInfo("Asia/Shanghai"))
        checked.add(lot.state)
    assert {"upcoming", "ongoing"} <= checked
    running = "http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate=2&Page=0"
    page = gpai.parse_list(get(site, running).body, running, AT)
    ends = {lot.item_id: lot.end_ms for lot in lots if lot.state == "ongoing"}
    assert page.records and all("start_at" not in r for r in page.records)
    for r in page.records:
        assert parse_datetime(r["end_at"]).timestamp() * 1000 == ends[int(r["source_lot_id"])]


PLATE_RE = re.compile(r"沪[A-HJ-NP-Z]([0-9A-HJ-NP-Z]{5})")


def test_car_plates_have_the_real_shape_over_many_seeds():
    """沪 + a letter + 5 characters of digits and letters (no I, no O) with at most 2 letters (沪A12345, 沪B3C5D7):
    a serial of letters only (沪BLNWEH) is no plate."""
    plates = []
    for seed in range(60):
        for lot in GpaiGenerator(seed=seed, n_lots=60).lots_for(1):
            if lot.category == "378":
                match = PLATE_RE.search(lot.title)
                assert match, lot.title
                plates.append(match.group(0))
    assert len(plates) > 200
    bad = [p for p in plates if sum(c.isdigit() for c in p[2:]) < 3]
    assert not bad, bad[:10]
    assert {sum(c.isalpha() for c in p[2:]) for p in plates} == {0, 1, 2}  # letters do occur, up to 2
