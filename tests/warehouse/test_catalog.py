"""The shared catalog (warehouse/catalog.py) on a real PostgreSQL server (tests/pgcluster.py) and Iceberg files in
a temporary folder: what analysts read equals the file, whole nights only, one publisher at a time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from tests.pgcluster import PgCluster, pg_bin
from tests.warehouse.conftest import make_lot, write_run
from warehouse.catalog import (CatalogBusy, CatalogError, CatalogStale, CatalogUnavailable, NoNight, connect_catalog,
                               latest_night, publish, published_tables)
from warehouse.db import connect_readonly, publishing
from warehouse.ingest import ingest
from warehouse.linkage import link_assets
from warehouse.monitoring import MetricsHook

pytestmark = pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed (scripts/install adds it)")

LOANS = [{"seq": 1, "debtor": "运城某钢铁有限公司", "principal": Decimal("9950000.50"), "total": Decimal("11000000"),
          "raw": {"本金": "995万"}},
         {"seq": 2, "debtor": "某商贸公司", "principal": Decimal("500000"), "interest": Decimal("100000")}]


@pytest.fixture(scope="module")
def cluster():
    with PgCluster() as pg:
        yield pg


@pytest.fixture
def catalog(cluster: PgCluster, tmp_path: Path) -> str:
    """A fresh catalog: a new database, data files under the test's folder."""
    return f"{cluster.new_database()}?warehouse={tmp_path / 'shared'}"


def night_lots(night: int, n: int) -> list:
    """n lots; on night 2 every third is cheaper and sold, and two are new. Lot 0 is a debt package with loans."""
    lots = []
    for i in range(n + (2 if night > 1 else 0)):
        changed = night > 1 and i % 3 == 0
        fields = {"asset_type": "debt", "loans": LOANS, "total_claim": Decimal("11700000")} if i == 0 else {}
        lots.append(make_lot(str(1000 + i), night=night, reserve_price=Decimal("900000" if changed else "1000000"),
                             status="sold" if changed else "ongoing", **fields))
    return lots


def load_night(db: Path, runs: Path, night: int, n: int = 30) -> None:
    meta = write_run(runs, night_lots(night, n), night=night)
    with publishing(db) as con:
        ingest(con, [meta], hooks=[link_assets, MetricsHook()])


def rows_of(con, name: str) -> list[str]:
    return sorted(map(repr, con.execute(f"SELECT * FROM {name}").fetchall()))


def everything(con, names: list[str]) -> dict[str, list[str]]:
    return {name: rows_of(con, name) for name in names}


def analyst_objects(db: Path) -> list[str]:
    con = connect_readonly(db)
    try:
        tables = list(published_tables(con))
        views = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                           "AND schema_name = 'main'").fetchall()]
    finally:
        con.close()
    return tables + views


def test_published_night_reads_back_equal_to_the_file(tmp_path: Path, catalog: str) -> None:
    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    load_night(db, runs, 1)
    load_night(db, runs, 2)
    assert latest_night(catalog) is None
    with pytest.raises(NoNight):
        connect_catalog(catalog)

    result = publish(db, catalog)

    names = analyst_objects(db)
    assert {"lots", "lot_history", "crawl_runs", "assets", "npl_loans", "dim_lots", "fct_lot_versions"} <= set(names)
    file_con, cat_con = connect_readonly(db), connect_catalog(catalog)
    try:
        from_file, from_catalog = everything(file_con, names), everything(cat_con, names)
        for name in names:
            assert from_catalog[name] == from_file[name], name
        # the types come back as the file's (UBIGINT hashes, JSON inside the loans struct)
        for name in ("dim_lots", "fct_lot_versions", "lots"):
            described = [con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {name})").fetchall()
                         for con in (cat_con, file_con)]
            assert described[0] == described[1], name
        assert cat_con.execute("SELECT count(*) FROM npl_loans").fetchone()[0] == 2
        assert cat_con.execute("SELECT night_id, runs FROM catalog_night").fetchone() == (result.night.night_id, 2)
        # buyers' saved searches and mails stay in the file
        hidden = cat_con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name LIKE 'alert%'").fetchone()[0]
        assert hidden == 0
    finally:
        file_con.close()
        cat_con.close()
    assert result.rows["dim_lots"] == 32 and latest_night(catalog).night_id == result.night.night_id

    # an analyst's machine without the shared folder is told what is missing
    shared = tmp_path / "shared"
    shared.rename(tmp_path / "unmounted")
    with pytest.raises(CatalogError, match="must be mounted"):
        connect_catalog(catalog)


def test_unreachable_catalog_keeps_the_last_night_and_the_next_publish_completes_it(
        tmp_path: Path, cluster: PgCluster, catalog: str) -> None:
    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    load_night(db, runs, 1)
    first = publish(db, catalog).night
    night1 = shutil.copyfile(db, tmp_path / "night1.duckdb")
    load_night(db, runs, 2)

    # nothing listens on the port: refused before anything is written, the message names the URL
    closed = f"postgresql://salvage:secret@127.0.0.1:{cluster.port + 1 if cluster.port < 65535 else 1}/salvage" \
             f"?warehouse={tmp_path / 'shared'}"
    with pytest.raises(CatalogUnavailable, match="cannot reach the catalog") as refused:
        publish(db, closed)
    assert "secret" not in str(refused.value)

    # the server goes away half-way: some tables have new snapshots, no night row names them
    def server_dies(name: str, rows: int) -> None:
        if name == "dim_lots":
            cluster.stop()

    try:
        with pytest.raises(CatalogUnavailable, match="during the publish"):
            publish(db, catalog, on_table=server_dies)
    finally:
        cluster.start()
    assert latest_night(catalog).night_id == first.night_id
    names = analyst_objects(db)
    with connect_catalog(catalog) as cat_con, connect_readonly(night1) as old:
        assert everything(cat_con, names) == everything(old, names)
        assert cat_con.execute("SELECT count(*) FROM lots").fetchone()[0] == 30

    second = publish(db, catalog).night
    assert second.night_id > first.night_id
    with connect_catalog(catalog) as cat_con, connect_readonly(db) as now:
        assert everything(cat_con, names) == everything(now, names)
        assert cat_con.execute("SELECT count(*) FROM lots").fetchone()[0] == 32


def test_two_publishers_never_interleave(tmp_path: Path, catalog: str) -> None:
    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    load_night(db, runs, 1)
    publish(db, catalog)
    load_night(db, runs, 2)
    halfway, go_on = threading.Event(), threading.Event()

    def pause(name: str, rows: int) -> None:
        if name == "dim_lots":
            halfway.set()
            assert go_on.wait(60)

    outcome: dict = {}
    first = threading.Thread(target=lambda: outcome.update(first=publish(db, catalog, on_table=pause)))
    first.start()
    try:
        assert halfway.wait(60)
        with pytest.raises(CatalogBusy, match=r"another publish .* salvage publish .* pid"):
            publish(db, catalog, wait=0.5)
        # a second publisher willing to wait gets its turn once the first is done, and comes after it
        second = threading.Thread(target=lambda: outcome.update(second=publish(db, catalog, wait=60)))
        second.start()
        go_on.set()
        first.join(60)
        second.join(60)
    finally:
        go_on.set()
        first.join(60)
    assert outcome["second"].night.night_id == outcome["first"].night.night_id + 1
    assert latest_night(catalog).night_id == outcome["second"].night.night_id

    # a publisher whose file is older than the night served (another machine's stale copy) is refused
    stale = tmp_path / "stale.duckdb"
    load_night(stale, tmp_path / "stale-runs", 1)
    load_night(db, runs, 3)
    publish(db, catalog)  # the night served has night 3's crawl, the stale file night 1's only
    with pytest.raises(CatalogStale, match="older than the night the catalog serves"):
        publish(stale, catalog)


def test_a_reader_during_a_publish_sees_the_old_or_the_new_night_never_half(tmp_path: Path, catalog: str) -> None:
    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    load_night(db, runs, 1)
    publish(db, catalog)

    def view_of_night() -> tuple:
        with connect_catalog(catalog) as con:
            return con.execute(
                "SELECT (SELECT night_id FROM catalog_night), (SELECT count(*) FROM lots), "
                "(SELECT count(*) FROM lot_history), (SELECT count(*) FROM crawl_runs), "
                "(SELECT count(*) FROM lots WHERE status = 'sold'), (SELECT count(*) FROM assets)").fetchone()

    old = view_of_night()
    load_night(db, runs, 2)
    seen: list[tuple] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def keep_reading() -> None:
        while not done.is_set():
            try:
                seen.append(view_of_night())
            except BaseException as exc:  # noqa: BLE001 - any error is a failure of the test
                errors.append(exc)

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        # and a read after every single table's commit, so each half-way state is looked at
        publish(db, catalog, on_table=lambda name, rows: seen.append(view_of_night()))
    finally:
        done.set()
        reader.join(60)
    new = view_of_night()
    assert not errors, errors[:3]
    assert old != new and new[1:4] == (32, 42, 2)
    halves = [s for s in seen if s != old and s != new]
    assert not halves, halves[:3]
    assert old in seen  # the reads during the publish saw the previous night


def test_cli_ingest_publishes_and_sql_reads_the_catalog(tmp_path: Path, catalog: str) -> None:
    runs = tmp_path / "runs"
    write_run(runs, night_lots(1, 5), night=1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALVAGE_")} | {"COLUMNS": "160"}

    def salvage(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "salvage.cli", *args], capture_output=True, text=True,
                              env=env | extra, cwd=tmp_path, timeout=300)

    loaded = salvage("ingest", "--db", "w.duckdb", "--runs", str(runs), "--catalog", catalog)
    assert loaded.returncode == 0, loaded.stderr
    assert "night 1 published" in loaded.stderr
    counted = salvage("sql", "SELECT count(*) AS n FROM lots", "--format", "json", SALVAGE_CATALOG=catalog)
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.strip() == '{"n":5}'
    refused = salvage("sql", "SELECT * FROM read_csv('/etc/passwd')", "--catalog", catalog)
    assert refused.returncode == 3, refused.stderr

    # the catalog unreachable: the file has the night (exit 1, said); the next ingest, with nothing new to load,
    # publishes it
    write_run(runs, night_lots(2, 5), night=2)
    down = catalog.split("@")[0] + "@127.0.0.1:9/" + catalog.rsplit("/", 1)[1]
    failed = salvage("ingest", "--db", "w.duckdb", "--runs", str(runs), SALVAGE_CATALOG=down)
    assert failed.returncode == 1 and "cannot reach the catalog" in failed.stderr, failed.stderr
    file_count = salvage("sql", "--db", "w.duckdb", "SELECT count(*) AS n FROM lots", "--format", "json")
    assert file_count.stdout.strip() == '{"n":7}'
    assert salvage("sql", "SELECT count(*) AS n FROM lots", "--format", "json",
                   SALVAGE_CATALOG=catalog).stdout.strip() == '{"n":5}'
    again = salvage("ingest", "--db", "w.duckdb", "--runs", str(runs), "--catalog", catalog)
    assert again.returncode == 0 and "night 2 published" in again.stderr, again.stderr
    assert salvage("sql", "SELECT count(*) AS n FROM lots", "--format", "json",
                   SALVAGE_CATALOG=catalog).stdout.strip() == '{"n":7}'


def test_a_publish_keeps_the_newest_nights_and_removes_older_ones_with_their_files(tmp_path: Path,
                                                                                   catalog: str) -> None:
    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    shared = tmp_path / "shared"

    def data_files() -> set[Path]:
        return set(shared.rglob("*.parquet"))

    published, files_after = [], []
    for night in (1, 2, 3, 4):
        load_night(db, runs, night)
        published.append(publish(db, catalog, keep_nights=2))
        files_after.append(data_files())
    assert [p.expired.nights for p in published] == [[], [], [published[0].night.night_id],
                                                     [published[1].night.night_id]]
    assert all(p.expired.error is None for p in published)
    # the files only night 1 and 2 read are gone; the files of nights 3 and 4 are all there
    assert published[3].expired.files > 0
    assert files_after[3] < files_after[1] | files_after[3]
    for old in published[:2]:
        with pytest.raises(NoNight):
            connect_catalog(catalog, night=old.night.night_id)
    names = analyst_objects(db)
    for kept in published[2:]:
        with connect_catalog(catalog, night=kept.night.night_id) as con:
            assert con.execute("SELECT count(*) FROM lots").fetchone()[0] == 32
            everything(con, names)  # every table and view still reads (no file of a kept night is missing)
    with connect_catalog(catalog) as con, connect_readonly(db) as now:
        assert everything(con, names) == everything(now, names)
