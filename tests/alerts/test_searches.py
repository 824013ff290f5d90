"""Saved searches: the file, validation (a bad search is refused, saying what is wrong), and the SQL they become."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from alerts.events import SEARCH_COLUMNS, matches, sync_searches
from alerts.searches import (
    FILTER_KEYS,
    SearchError,
    add_search,
    compile_search,
    dump_search,
    load_searches,
    match_predicate,
    parse_search,
    remove_search,
)
from tests.warehouse.conftest import make_lot

from .conftest import SEARCHES, SHANGHAI, search

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=SHANGHAI)


def test_a_search_file_round_trips_and_keeps_the_operators_comments(tmp_path: Path):
    path = tmp_path / "alerts.toml"
    path.write_text('# our desk\'s searches\n\n[[search]]\nname = "npl"  # the big one\nrecipients = ["d@x.cn"]\n'
                    'asset_type = "debt"\ntotal_claim_min = "100万"\n', encoding="utf-8")
    homes = search("homes", province=["山西", "北京"], reserve_max=Decimal(2000000), keywords=['住宅 "东区"'],
                   immediate=True, events=["new", "price_drop"])
    add_search(path, homes)
    [npl, again] = load_searches(path)
    assert again == homes
    assert npl.asset_type == ["debt"] and npl.total_claim_min == Decimal("1000000.00")
    remove_search(path, "homes")
    text = path.read_text(encoding="utf-8")
    assert "# our desk's searches" in text and "# the big one" in text and "homes" not in text
    assert [s.name for s in load_searches(path)] == ["npl"]


def test_a_new_file_starts_with_a_header_that_documents_every_key(tmp_path: Path):
    path = tmp_path / "alerts.toml"
    add_search(path, SEARCHES[0])
    text = path.read_text(encoding="utf-8")
    assert all(f"#   {key}:" in text for key in FILTER_KEYS)
    assert load_searches(path) == [SEARCHES[0]]
    assert dump_search(SEARCHES[0]) in text


@pytest.mark.parametrize(("fields", "expected"), [
    ({"asset_type": "houses"}, "asset_type: Input should be 'real_estate', 'land'"),
    ({"asset_type": "debt", "reserv_max": 5}, "reserv_max: unknown key"),
    ({"asset_type": "debt", "reserve_min": 5_000_000, "reserve_max": 1_000_000},
     "reserve_min (5000000.00) is above reserve_max (1000000.00)"),
    ({"asset_type": "debt", "reserve_max": "lots"}, "reserve_max: 'lots' is not an amount in yuan"),
    ({"asset_type": "debt", "reserve_max": -1}, "reserve_max: Input should be greater than or equal to 0"),
    ({"asset_type": "debt", "discount_to_claim_min": 120}, "discount_to_claim_min: Input should be less than 100"),
    ({"asset_type": "debt", "recipients": ["buyer@example.com\r\nBcc: all@example.com"]},
     "is not an e-mail address"),
    ({"asset_type": "debt", "recipients": []}, "recipients: needs at least 1 value(s)"),
    ({"asset_type": "debt", "events": ["new", "relisted"]}, "events: Input should be 'new', 'price_drop'"),
    ({"asset_type": "debt", "keywords": [""]}, "keywords: must not be empty"),
    ({"asset_type": "debt", "province": [1]}, "province: Input should be a valid string"),
    ({"recipients": ["a@example.com"]}, "no filter: a search needs at least one of"),
    ({"asset_type": "debt", "name": "npl; DROP TABLE lots"}, "name: 'npl; DROP TABLE lots': use 1-64 letters"),
])
def test_a_bad_search_is_refused_saying_what_is_wrong(fields, expected):
    data = {"name": "s", "recipients": ["a@example.com"], **fields}
    with pytest.raises(SearchError) as refused:
        parse_search(data)
    assert expected in str(refused.value)
    assert str(refused.value).startswith(f"search {data['name']!r} refused")


def test_adding_a_bad_or_duplicate_search_leaves_the_file_as_it_was(tmp_path: Path):
    path = tmp_path / "alerts.toml"
    add_search(path, SEARCHES[0])
    before = path.read_text(encoding="utf-8")
    with pytest.raises(SearchError, match="a search named 'homes' exists already"):
        add_search(path, SEARCHES[0])
    path.write_text(before + '\n[[search]]\nname = "broken"\nrecipients = ["a@example.com"]\nprovince = 5\n')
    with pytest.raises(SearchError, match=r"alerts.toml: search 'broken' refused:\n  - province"):
        add_search(path, SEARCHES[1])
    with pytest.raises(SearchError, match="not valid TOML"):
        path.write_text("[[search]\n")
        load_searches(path)
    with pytest.raises(SearchError, match="two searches are named 'homes'"):
        path.write_text(before + "\n" + dump_search(SEARCHES[0]))
        load_searches(path)
    with pytest.raises(SearchError, match="unknown top-level key"):
        path.write_text('name = "x"\n')
        load_searches(path)


def test_filters_are_bound_as_parameters_never_spliced_into_the_sql():
    s = search("x", province=["山西' OR '1'='1"], keywords=["'); DROP TABLE lots; --"], reserve_max="500万",
               starts_within_days=7)
    where, params = compile_search(s, NOW)
    assert "DROP" not in where and "山西" not in where and "500" not in where
    assert params == {"province": ["山西' OR '1'='1"], "keywords": ["'); DROP TABLE lots; --"],
                      "reserve_max": Decimal("5000000.00"), "starts_within_days": 7, "now": NOW}
    assert "$" in match_predicate() and "s.province" in match_predicate()


INJECTIONS = ["'; DROP TABLE dim_lots; --", "%' OR 1=1 --", "' UNION SELECT * FROM fct_rejects --",
              "\\'); COPY lots TO '/tmp/x.csv'; --", "山西省' OR ''='"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_sql_injection_in_search_values_is_harmless(con, tmp_path: Path, value: str):
    from tests.warehouse.conftest import write_run
    from warehouse.ingest import ingest

    ingest(con, [write_run(tmp_path / "runs", [make_lot("1", province="山西省"), make_lot("2")])])
    tables = con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
    s = search("x", province=[value], keywords=[value], city=[value], exclude_keywords=[value])
    assert matches(con, s, NOW, "count(*)").fetchone() == (0,)  # compared as text, matches nothing
    sync_searches(con, [s])  # the set-based path reads the values from a table
    con.execute(f"SELECT count(*) FROM lots l JOIN alert_searches s ON {match_predicate()}", {"now": NOW})
    assert con.execute("SELECT province, keywords FROM alert_searches").fetchone() == ([value], [value])
    assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == tables
    assert con.execute("SELECT count(*) FROM lots").fetchone() == (2,)
    assert not Path("/tmp/x.csv").exists() or value != INJECTIONS[3]
    like = search("y", keywords=["%"])  # LIKE wildcards are plain characters too
    assert matches(con, like, NOW, "count(*)").fetchone() == (0,)
    # and through the nightly hook, next to a search that does match
    from alerts.events import EventsHook

    hook = EventsHook(searches=[s, search("homes", asset_type="real_estate")])
    ingest(con, [write_run(tmp_path / "runs", [make_lot("1", night=2), make_lot("3", night=2)], night=2)],
           hooks=[hook])
    assert con.execute("SELECT search_name, source_lot_id, kind FROM alert_events").fetchall() == [
        ("homes", "3", "new")]
    assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == tables


def test_one_search_compiled_and_all_searches_set_based_match_the_same_lots(con, tmp_path: Path):
    from tests.warehouse.conftest import write_run
    from warehouse.ingest import ingest

    lots = [make_lot(str(i), asset_type=["real_estate", "debt", "land"][i % 3],
                     province=["山西省", "北京市", None][i % 3 if i % 4 else 0], city=["运城市", "太原市"][i % 2],
                     reserve_price=Decimal(200_000 * i), appraisal_price=Decimal(300_000 * i + 1),
                     total_claim=Decimal(1_000_000 * i) if i % 3 == 1 else None,
                     title=f"{'住宅' if i % 5 else '车位'}{i}号", debtor="某公司" if i % 2 else None,
                     seller_type=["court", "amc", "bank"][i % 3], round=["first", "second"][i % 2],
                     start_at=NOW + timedelta(days=i % 20 - 3))
            for i in range(1, 60)]
    ingest(con, [write_run(tmp_path / "runs", lots)])
    searches = [*SEARCHES,
                search("a", province="山西", city="运城", reserve_min=1_000_000),
                search("b", seller_type=["amc", "bank"], round="second", discount_to_appraisal_min=30),
                search("c", keywords=["住宅"], exclude_keywords="车位", starts_within_days=5),
                search("d", keywords=["某公司"], total_claim_min=5_000_000, total_claim_max="2000万"),
                search("e", source="alibaba_sf", principal_min=1)]
    sync_searches(con, searches)
    together = set(con.execute(f"SELECT s.name, l.source_lot_id FROM lots l JOIN alert_searches s "
                               f"ON {match_predicate()}", {"now": NOW}).fetchall())
    one_by_one = {(s.name, row[0]) for s in searches for row in matches(con, s, NOW, "l.source_lot_id").fetchall()}
    assert together == one_by_one
    assert {name for name, _ in together} == {"homes", "shanxi", "npl", "a", "b", "c", "d"}  # each filter bites


def test_the_searches_table_has_a_column_for_every_key(con):
    columns = [r[0] for r in con.execute("DESCRIBE alert_searches").fetchall()]
    assert columns == [*SEARCH_COLUMNS, "added_at", "loaded_at"]
