"""One lot's history is an index lookup: fct_lot_versions has an ART index on the lot id, on a new warehouse and on
one made before the index existed (created when it is next opened for writing), and the lookup is still right."""

from __future__ import annotations

from decimal import Decimal

from tests.warehouse.conftest import make_lot, write_run
from warehouse.db import connect
from warehouse.ingest import ingest

INDEXED = "SELECT expressions FROM duckdb_indexes() WHERE table_name = 'fct_lot_versions'"


def test_history_table_is_indexed_on_the_lot_id(con) -> None:
    assert con.execute(INDEXED).fetchall() == [("[source_lot_id]",)]


def test_a_warehouse_without_the_index_gets_it_when_opened(tmp_path) -> None:
    db = tmp_path / "old.duckdb"
    first = connect(db)
    first.execute("DROP INDEX fct_lot_versions_lot")  # as a warehouse made before the index
    first.execute("INSERT INTO fct_lot_versions (source, source_lot_id, url, fetched_at, title, version_no, "
                  "valid_from, run_id) VALUES ('alibaba_sf', '7', 'u', now(), 't', 1, now(), 'r')")
    first.close()
    again = connect(db)
    assert again.execute(INDEXED).fetchall() == [("[source_lot_id]",)]
    assert again.execute("SELECT count(*) FROM lot_history WHERE source_lot_id = '7'").fetchone() == (1,)
    again.close()


def test_one_lots_history_through_the_index(con, tmp_path) -> None:
    runs = tmp_path / "runs"
    lots = [make_lot(str(i)) for i in range(50)]
    ingest(con, [write_run(runs, lots, night=1)])
    changed = [make_lot(str(i), night=2, reserve_price=Decimal("800000")) if i == 7 else make_lot(str(i), night=2)
               for i in range(50)]
    ingest(con, [write_run(runs, changed, night=2)])
    rows = con.execute("SELECT version_no, reserve_price, is_current FROM lot_history "
                       "WHERE source = ? AND source_lot_id = ? ORDER BY version_no", ["alibaba_sf", "7"]).fetchall()
    assert rows == [(1, Decimal("1000000.00"), False), (2, Decimal("800000.00"), True)]
    # the same source_lot_id in another source is another lot
    assert con.execute("SELECT count(*) FROM lot_history WHERE source = 'jd' AND source_lot_id = '7'"
                       ).fetchone() == (0,)
