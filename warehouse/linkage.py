"""Asset linkage: every listing of one asset gets the same ``asset_id``, with explicit evidence.

A relisting is a new lot id for the same asset (一拍 流拍 → 二拍 → 变卖, withdrawn and listed again); the same court
asset can be on two platforms; a debt package can appear as an AMC notice and then as an Alibaba or JD 债权 lot.
``link_assets(con, results)`` is an ingest hook (``ingest(con, metas, hooks=[link_assets])``): it runs inside the
night's transaction, after the merge, and links only the lots this night's runs wrote that have no asset yet.

1. **Keys, in SQL** (``_KEYS_SQL``) for the lots whose current version this night's runs wrote: the case number
   案号, disposal unit, debtor, address and title normalized (full-width to ASCII, punctuation and spaces gone, the
   place prefix and round markers such as 【第一次拍卖】 / （重新拍卖） / 变卖 stripped), the numbers of the title,
   the principal and the value (appraisal, else market price, else total claim). Kept in ``fct_lot_links``, so a
   later night matches its new lots against them without re-reading a million lots.
2. **Candidates, in SQL**: each new lot against the existing lots and the other new lots that share a blocking key
   (case number; debtor; city + address; city + title; city + asset type + numbers; disposal unit + title;
   source + title + value). A
   lot with more than ``BLOCK_CAP`` partners in one block gets none from it (a key that common tells nothing).
   Never all pairs.
3. **Scores, in Python, in batches**: exact comparisons come from SQL; title and address similarity are
   rapidfuzz ``ratio`` over the candidate pairs (``process.cpdist``; Python strings compare by characters, where
   DuckDB's edit distance counts UTF-8 bytes). The first rule of ``RULES`` that fires links the pair.
4. **Assets**: linked pairs are joined into components (union-find). A component with existing assets takes the
   oldest (lowest) ``asset_id``; any other existing asset in it is merged into that one and the merge is recorded in
   ``fct_asset_merges``. A component of new lots only gets a new id (the next numbers, in (source, source_lot_id)
   order of its first lot). A lot that matched nothing is the first lot of a new asset (rule ``new_asset``).

A lot keeps its asset from night to night: linked lots are never re-matched; their keys are refreshed when the
lot's title or address changed, so that later lots match the current text.

**Undo** (`split_asset`, ``salvage assets split``): lots of an asset judged wrongly linked move to a new asset; their
link rows keep the evidence they had, and ``fct_asset_splits`` records the split (both sides, who, why). Step 4
never unites a component that would put a moved lot and a kept lot of one split in one asset again: such a link is
dropped (the pairs are taken best score first, so the new lot joins the side it matches best).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

BLOCK_CAP = 25  # a blocking key shared by more lots than this is too common to say anything
BATCH = 200_000  # candidate pairs scored per rapidfuzz call
RATIO_OK = 0.995  # principal / value ratio read as "the same amount" (万元 to 2 decimals, or whole 万 above 2M)

# (rule, what fires it); the first that fires links a pair. Tri-state evidence: 1 same, 0 different, -1 unknown.
RULES: tuple[tuple[str, str], ...] = (
    ("case_number", "same normalized 案号, disposal unit and numbers not different, value not different, and "
     "title similarity >= 50 or address similarity >= 80 or the same value"),
    ("debtor_principal", "same normalized debtor, principal within 0.5%, numbers not different, and the same value "
     "(total claim) or none, or title similarity >= 80"),
    ("address_value", "same normalized address (6+ characters), same value, asset type, unit and numbers not "
     "different, and the same numbers or title similarity >= 92"),
    ("fuzzy_title_address", "title and address similarity >= 85, same value, asset type, unit and numbers not "
     "different"),
    ("fuzzy_title_value", "title similarity >= 90, same disposal unit, same numbers (or one title, without a "
     "number), same value, asset type not different"),
    ("relisted_title", "same source, same normalized title, the same value to the cent, asset type, unit and numbers "
     "not different, and not the same reserve price (a later round starts lower; lots sold side by side under one "
     "title and one appraisal start at one price)"),
    ("debt_package", "same set of debtors (the lot's debtor and its loans' debtors, normalized), principal within "
     "0.5%, and the same claim as-of date (基准日)"),
)
KEY_COLUMNS = ("asset_type", "case_key", "unit_key", "debtor_key", "address_key", "title_key", "number_key",
               "place_key", "principal", "value", "debtors_key", "claim_as_of")
EVIDENCE_COLUMNS = ("same_case_number", "same_disposal_unit", "same_debtor", "same_numbers", "principal_ratio",
                    "value_ratio", "title_similarity", "address_similarity")

# full-width digits and letters → ASCII (translate is slow: only rows that have one pay for it)
_FULL = "".join(chr(c) for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)])
_HALF = "".join(chr(c - 0xFEE0) for c in map(ord, _FULL))


def _norm(expr: str) -> str:
    """SQL: text folded to ASCII digits/letters and CJK characters only (no spaces, punctuation or brackets)."""
    folded = (f"CASE WHEN regexp_matches({expr}, '[\\x{{FF10}}-\\x{{FF5A}}]') "
              f"THEN translate({expr}, '{_FULL}', '{_HALF}') ELSE {expr} END")
    return (f"nullif(regexp_replace(replace(lower({folded}), '號', '号'), "
            f"'[^0-9a-z\\x{{3400}}-\\x{{9fff}}]', '', 'g'), '')")


# Round markers: bracketed anywhere (【第一次拍卖】, （重新拍卖）, (二拍)), bare at either end (变卖, 二拍, 第二次拍卖).
_ROUND_BRACKETED = r"[【\[(（〔][^】\])）〕]{0,12}(拍卖|变卖|拍)[^】\])）〕]{0,6}[】\])）〕]"
_ROUND_WORD = r"(第[一二三四五六七八九十0-9]+次(公开)?(拍卖|变卖)|[一二三]拍|变卖|重新拍卖|再次拍卖|破产拍卖)"


_SUFFIXES = {"p": "壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市", "c": "地区|自治州|盟|市",
             "d": "自治县|区|县|市|旗"}


def _strip_place(expr: str, level: str) -> str:
    """SQL: ``expr`` (normalized) without a leading place name of ``level`` (p province, c city, d district), full
    (山西省) or short (山西, then an optional suffix)."""
    full, short = f"{level}_full", f"{level}_short"
    suffix = f"'^({_SUFFIXES[level]})'"
    return (f"CASE WHEN {full} <> '' AND starts_with({expr}, {full}) "
            f"THEN regexp_replace({expr}[length({full}) + 1:], {suffix}, '') "
            f"WHEN length({short}) >= 2 AND starts_with({expr}, {short}) "
            f"THEN regexp_replace({expr}[length({short}) + 1:], {suffix}, '') ELSE {expr} END")


_TITLE_NORM = _norm(f"regexp_replace(title, '{_ROUND_BRACKETED}', '', 'g')")

_KEYS_SQL = f"""
CREATE OR REPLACE TEMP TABLE lk_night AS
WITH v AS (
    SELECT source, source_lot_id, run_id, asset_type, case_number, disposal_unit, debtor, address, title,
           principal, reserve_price, coalesce(appraisal_price, market_price, total_claim) AS value,
           coalesce({_norm('province')}, '') AS p_full,
           regexp_replace(p_full, '({_SUFFIXES["p"]})$', '') AS p_short,
           coalesce({_norm('city')}, '') AS c_full,
           regexp_replace(c_full, '({_SUFFIXES["c"]})$', '') AS c_short,
           coalesce({_norm('district')}, '') AS d_full,
           regexp_replace(d_full, '({_SUFFIXES["d"]})$', '') AS d_short
    FROM fct_lot_versions
    WHERE valid_to IS NULL AND run_id IN (SELECT run_id FROM lk_runs)
), k AS (
    SELECT *,
           regexp_replace({_norm('case_number')}, '第([0-9])', '\\1', 'g') AS case_key,
           replace({_norm('disposal_unit')}, '有限责任公司', '有限公司') AS unit_key,
           replace({_norm('debtor')}, '有限责任公司', '有限公司') AS debtor_key,
           regexp_replace({_norm('address')}, '([0-9]+)(栋|幢|座)', '\\1号楼', 'g') AS address_n,
           regexp_replace(regexp_replace(regexp_replace(
               {_TITLE_NORM},
               '^({_ROUND_WORD}|位于|坐落于)+', ''), '{_ROUND_WORD}+$', ''), '([0-9]+)(栋|幢|座)', '\\1号楼', 'g') AS title_n
    FROM v
), s1 AS (
    SELECT *, {_strip_place('address_n', 'p')} AS a1, {_strip_place('title_n', 'p')} AS t1 FROM k
), s2 AS (
    SELECT *, {_strip_place('a1', 'c')} AS a2, {_strip_place('t1', 'c')} AS t2 FROM s1
), s3 AS (
    SELECT *, {_strip_place('a2', 'd')} AS a3, {_strip_place('t2', 'd')} AS t3 FROM s2
)
SELECT source, source_lot_id, run_id, asset_type, case_key, unit_key, debtor_key,
       nullif(a3, '') AS address_key, coalesce(nullif(t3, ''), title_n) AS title_key,
       nullif(array_to_string(regexp_extract_all(title_key, '[0-9]+'), '|'), '') AS number_key,
       nullif(CASE WHEN c_short <> '' THEN c_short ELSE p_short END, '') AS place_key,
       principal, value::DECIMAL(18,2) AS value, reserve_price
FROM s3
"""

_BLOCKS = {
    "case": ("case_key",),
    "debtor": ("debtor_key",),
    "address": ("place_key", "address_key"),
    "title": ("place_key", "title_key"),
    "numbers": ("place_key", "asset_type", "number_key"),
    # one seller's lot that names no place (a car, shares, goods): the same court or seller and the same title
    "unit_title": ("unit_key", "title_key"),
    # a site's re-listing of its own lot, where the lot says no place, court or address (人民法院诉讼资产网's list)
    "relisting": ("source", "title_key", "value"),
}


# ------------------------------------------------------------------ debt packages across platforms (rule debt_package)
# A package an AMC announces is often listed again on an exchange (CBEX) or an auction site: no case number, titles
# that differ, often no single debtor. Its identity is its debtors, its principal and the date the amounts are as
# of. The keys: ``debtors_key`` (the lot's debtor and every loan's debtor, normalized as debtor_key, sorted,
# distinct, joined by |) and ``claim_as_of``; a block on debtors_key; the evidence ``same_claim_as_of``.
_BLOCKS_DEBT = {"debtors": ("debtors_key",)}
_DEBTOR_NORM = "replace(" + _norm("d") + ", '有限责任公司', '有限公司')"


def _debt_package_keys(con: duckdb.DuckDBPyConnection) -> None:
    """lk_night gets debtors_key and claim_as_of from each debt lot's current version (other lots keep NULL: the
    rule is about claims, and reading only the debt lots keeps the night's keying cheap)."""
    con.execute("ALTER TABLE lk_night ADD COLUMN debtors_key VARCHAR")
    con.execute("ALTER TABLE lk_night ADD COLUMN claim_as_of DATE")
    con.execute(f"""
        UPDATE lk_night AS n
        SET claim_as_of = v.claim_as_of,
            debtors_key = nullif(array_to_string(list_sort(list_distinct(list_filter(list_transform(
                list_concat([v.debtor], [x.debtor FOR x IN coalesce(v.loans, [])]), lambda d: {_DEBTOR_NORM}),
                lambda d: d IS NOT NULL))), '|'), '')
        FROM fct_lot_versions v
        WHERE n.asset_type = 'debt' AND v.asset_type = 'debt' AND v.valid_to IS NULL
          AND (v.debtor IS NOT NULL OR len(v.loans) > 0 OR v.claim_as_of IS NOT NULL)
          AND v.source = n.source AND v.source_lot_id = n.source_lot_id""")


def debt_package_fires(cols: dict[str, np.ndarray]) -> np.ndarray:
    """Rule debt_package: the same debtors, principal within 0.5 %, the same as-of date (all three known)."""
    return (cols["same_debtors_set"] == 1) & (cols["principal_ratio"] >= RATIO_OK) & (cols["same_claim_as_of"] == 1)


def _debt_package_evidence(con: duckdb.DuckDBPyConnection) -> None:
    """fct_lot_links.same_claim_as_of of the lots linked tonight: their as-of date against the matched lot's."""
    con.execute("""
        UPDATE fct_lot_links AS l SET same_claim_as_of = (l.claim_as_of = m.claim_as_of)
        FROM fct_lot_links m, lk_new n
        WHERE m.source = l.matched_source AND m.source_lot_id = l.matched_lot_id
          AND n.source = l.source AND n.source_lot_id = l.source_lot_id""")


def _pairs_sql() -> str:
    """SQL: lk_pairs, the candidate pairs with their exact comparisons. Each new lot (``a``, an idx of lk_new) is
    paired with the linked lots (``b`` NULL, their ``asset_id``) and with the later new lots (``b`` their idx) that
    share a blocking key; the distinct pairs then get the partner's keys, each joined once.

    Blocks are bounded before any pair is made: a new lot's partners in a block are counted from the block sizes
    (the linked lots with its key, by a grouped count of fct_lot_links restricted to tonight's keys, plus the later
    new lots with its key, by a window over lk_new), and only lots with at most ``BLOCK_CAP`` partners are joined.
    So no block joins more than ``BLOCK_CAP`` pairs per lot, whatever the key's frequency: joining first and
    capping afterwards made every pair of a common key (a province when the city is missing, a frequent debtor)
    and grew with the square of the lots."""
    keys = ", ".join(f"p.{c} AS q_{c}" for c in KEY_COLUMNS)
    blocks = []
    for name, cols in (_BLOCKS | _BLOCKS_DEBT).items():
        key = ", ".join(cols)
        on = " AND ".join(f"p.{c} = n.{c}" for c in cols)
        where = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        where += " AND length(address_key) >= 6" if name == "address" else ""
        where += " AND length(number_key) >= 3" if name == "numbers" else ""
        where += " AND length(debtors_key) >= 4" if name == "debtors" else ""
        blocks.append(f"""
        SELECT * FROM (
            WITH nb AS MATERIALIZED (
                SELECT idx, {key}, row_number() OVER (PARTITION BY {key} ORDER BY idx DESC) - 1 AS later
                FROM lk_new WHERE {where}),
            ex AS (SELECT {", ".join(f"p.{c}" for c in cols)}, count(*) AS linked
                   FROM fct_lot_links p SEMI JOIN nb n ON {on} GROUP BY ALL),
            ok AS MATERIALIZED (
                SELECT nb.idx, {", ".join(f"nb.{c}" for c in cols)} FROM nb LEFT JOIN ex USING ({key})
                WHERE coalesce(ex.linked, 0) + nb.later <= {BLOCK_CAP})
            SELECT n.idx AS a, NULL::BIGINT AS b, p.asset_id, p.source AS b_source, p.source_lot_id AS b_lot
            FROM ok n JOIN fct_lot_links p ON {on}
            UNION ALL
            SELECT n.idx, p.idx, NULL::BIGINT, p.source, p.source_lot_id
            FROM ok n JOIN lk_new p ON {on} AND p.idx > n.idx)""")
    tri = "coalesce((n.{c} = c.q_{c})::TINYINT, -1)"
    ratio = "coalesce(least(n.{c}, c.q_{c}) / nullif(greatest(n.{c}, c.q_{c}), 0), -1)::DOUBLE"
    return f"""
    CREATE OR REPLACE TEMP TABLE lk_pairs AS
    WITH cand AS (SELECT DISTINCT * FROM ({" UNION ALL ".join(blocks)})),
    -- the partners' keys joined once per distinct pair (carried through every block, they made the DISTINCT hash
    -- every key column of every candidate row: out of memory at 3M lots linked in one night)
    ck AS (
        SELECT c.*, {keys} FROM (SELECT * FROM cand WHERE b IS NULL) c
        JOIN fct_lot_links p ON p.source = c.b_source AND p.source_lot_id = c.b_lot
        UNION ALL
        SELECT c.*, {keys} FROM (SELECT * FROM cand WHERE b IS NOT NULL) c JOIN lk_new p ON p.idx = c.b)
    SELECT c.a, c.b, c.asset_id, c.b_source, c.b_lot,
           {tri.format(c="case_key")} AS same_case_number,
           {tri.format(c="unit_key")} AS same_disposal_unit,
           {tri.format(c="debtor_key")} AS same_debtor,
           {tri.format(c="number_key")} AS same_numbers,
           -- 'other' says only that a site's category is not known here (an aggregator's 其他 for JD's 库存物资):
           -- unknown, not a different type
           CASE WHEN 'other' IN (n.asset_type, c.q_asset_type) THEN -1
                ELSE {tri.format(c="asset_type")} END AS same_type,
           coalesce((n.address_key = c.q_address_key AND length(n.address_key) >= 6)::TINYINT, -1) AS same_address,
           {ratio.format(c="principal")} AS principal_ratio,
           {ratio.format(c="value")} AS value_ratio,
           (n.source = c.b_source)::TINYINT AS same_source,
           CASE WHEN bv.source IS NULL THEN -1
                ELSE coalesce((n.reserve_price = bv.reserve_price)::TINYINT, -1) END AS same_reserve,
           {tri.format(c="debtors_key")} AS same_debtors_set, {tri.format(c="claim_as_of")} AS same_claim_as_of,
           n.title_key AS a_title, c.q_title_key AS b_title, n.address_key AS a_address, c.q_address_key AS b_address
    FROM ck c
    JOIN lk_new n ON n.idx = c.a
    -- the partner's reserve price, read only for a pair of one source and one title (rule relisted_title)
    LEFT JOIN fct_lot_versions bv ON n.source = c.b_source AND n.title_key = c.q_title_key
         AND bv.source = c.b_source AND bv.source_lot_id = c.b_lot AND bv.valid_to IS NULL
    """


@dataclass
class LinkStats:
    """What one call of ``link_assets`` did."""

    night_lots: int = 0
    new_lots: int = 0
    candidate_pairs: int = 0
    linked_pairs: int = 0
    new_assets: int = 0
    merges: int = 0
    rules: dict[str, int] = field(default_factory=dict)


def link_assets(con: duckdb.DuckDBPyConnection, results: Iterable) -> LinkStats:
    """Ingest hook: link the lots of this night's loaded runs to assets (see the module docstring)."""
    return _link(con, sorted({r.run_id for r in results if getattr(r, "status", "loaded") == "loaded"}))


def link_unlinked(con: duckdb.DuckDBPyConnection) -> LinkStats:
    """Link every lot that has no asset yet (a warehouse loaded before linkage existed). Run it inside a
    transaction, like the hook; afterwards the nightly hook keeps the links current."""
    runs = con.execute("SELECT DISTINCT run_id FROM fct_lot_versions WHERE valid_to IS NULL").fetchall()
    return _link(con, sorted(r[0] for r in runs))


def _link(con: duckdb.DuckDBPyConnection, run_ids: list[str]) -> LinkStats:
    stats = LinkStats()
    if not run_ids:
        return stats
    con.execute("CREATE OR REPLACE TEMP TABLE lk_runs AS SELECT unnest(?::VARCHAR[]) AS run_id", [run_ids])
    con.execute(_KEYS_SQL)
    _debt_package_keys(con)
    stats.night_lots = con.execute("SELECT count(*) FROM lk_night").fetchall()[0][0]
    _refresh_keys(con)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE lk_new AS
        SELECT row_number() OVER (ORDER BY n.source, n.source_lot_id) - 1 AS idx, n.*
        FROM lk_night n ANTI JOIN fct_lot_links l USING (source, source_lot_id)""")
    stats.new_lots = con.execute("SELECT count(*) FROM lk_new").fetchall()[0][0]
    if stats.new_lots:
        con.execute(_pairs_sql())
        _assign(con, stats)
    # (on an error the ingest rolls back, temporary tables included)
    for table in ("lk_runs", "lk_night", "lk_new", "lk_pairs", "lk_result", "lk_merges"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return stats


def _refresh_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Linked lots whose text changed tonight keep their asset but get their current keys."""
    sets = ", ".join(f"{c} = n.{c}" for c in KEY_COLUMNS)
    differ = " OR ".join(f"l.{c} IS DISTINCT FROM n.{c}" for c in KEY_COLUMNS)
    con.execute(f"UPDATE fct_lot_links AS l SET {sets} FROM lk_night n "
                f"WHERE l.source = n.source AND l.source_lot_id = n.source_lot_id AND ({differ})")


def score_pairs(cols: dict[str, np.ndarray], titles: tuple, addresses: tuple
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Title and address similarity (rapidfuzz, by characters), the rule that fires (index into RULES, -1 none)
    and the score (mean agreement of the comparisons both lots allow) of candidate pairs."""
    ts = _similarity(*titles)
    ads = _similarity(*addresses)
    case, unit, debtor, nums, typ, addr = (cols[c] for c in (
        "same_case_number", "same_disposal_unit", "same_debtor", "same_numbers", "same_type", "same_address"))
    pr, vr = cols["principal_ratio"], cols["value_ratio"]
    unknown = np.full(len(ts), -1, dtype=np.int8)
    source, reserve = cols.get("same_source", unknown), cols.get("same_reserve", unknown)
    v_same, v_diff = vr >= RATIO_OK, (vr >= 0) & (vr < RATIO_OK)
    ok = lambda x: x != 0  # noqa: E731 - same or unknown
    fired = [
        (case == 1) & ok(unit) & ok(nums) & ~v_diff & ((ts >= 50) | (ads >= 80) | v_same),
        (debtor == 1) & (pr >= RATIO_OK) & ok(nums) & (v_same | (vr < 0) | (ts >= 80)),
        (addr == 1) & v_same & ok(typ) & ok(unit) & ok(nums) & ((nums == 1) | (ts >= 92)),
        (ts >= 85) & (ads >= 85) & v_same & ok(typ) & ok(unit) & ok(nums),
        (ts >= 90) & (unit == 1) & ((nums == 1) | (ts == 100)) & v_same & ok(typ),
        (source == 1) & (ts == 100) & (vr == 1) & ok(typ) & ok(unit) & ok(nums) & (reserve != 1),
        debt_package_fires(cols),
    ]
    rule = np.full(len(ts), -1, dtype=np.int8)
    for i in reversed(range(len(fired))):
        rule[fired[i]] = i
    parts = [np.where(x < 0, np.nan, x.astype(float)) for x in (case, unit, debtor, nums)]
    parts += [np.where(pr < 0, np.nan, pr), np.where(vr < 0, np.nan, vr), ts / 100, np.where(ads < 0, np.nan, ads / 100)]
    stack = np.vstack(parts)
    known = ~np.isnan(stack)
    score = np.where(known, stack, 0).sum(axis=0) / np.maximum(known.sum(axis=0), 1)
    return ts, ads, rule, np.round(score, 4)


def _similarity(left, right) -> np.ndarray:
    """rapidfuzz ratio 0-100 of aligned pairs (lists or Arrow arrays of text); -1 where either side is missing."""
    left, right = (x if isinstance(x, pa.ChunkedArray | pa.Array) else pa.array(x, pa.string())
                   for x in (left, right))
    missing = pc.or_(pc.is_null(left), pc.is_null(right)).to_numpy(zero_copy_only=False)
    if not len(left):
        return np.zeros(0)
    sims = process.cpdist(pc.fill_null(left, "").to_pylist(), pc.fill_null(right, "").to_pylist(),
                          scorer=fuzz.ratio, workers=-1, dtype=np.float32)
    return np.where(missing, -1.0, np.round(sims.astype(float), 1))


_RELISTED = next(i for i, (name, _) in enumerate(RULES) if name == "relisted_title")


def _unlink_twins(rule: np.ndarray, ts: np.ndarray, cols: dict[str, np.ndarray], a: np.ndarray, b: np.ndarray,
                  asset: np.ndarray) -> None:
    """Rule relisted_title reads one title and one value as one asset. A lot with a twin (same source, title, value
    and reserve price: lots sold side by side, such as parking spaces) makes that reading wrong for every lot of
    its title: no such lot, nor an asset with such a lot, is linked by that rule (in place, over the batch's pairs)."""
    relisted = rule == _RELISTED
    if not relisted.any():
        return
    twin = (cols["same_source"] == 1) & (ts == 100) & (cols["value_ratio"] == 1) & (cols["same_reserve"] == 1)
    if not twin.any():
        return
    b, asset = np.asarray(b, dtype=float), np.asarray(asset, dtype=float)  # NULL as NaN
    twinned = np.unique(np.concatenate([a[twin], b[twin][~np.isnan(b[twin])]]))
    assets = np.unique(asset[twin][~np.isnan(asset[twin])])
    rule[relisted & (np.isin(a, twinned) | np.isin(b, twinned) | np.isin(asset, assets))] = -1


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _apart(con: duckdb.DuckDBPyConnection) -> set[tuple[int, int]]:
    """Pairs of current assets (low, high) that a split keeps apart: one holds a moved lot, the other a kept lot."""
    rows = con.execute("""
        SELECT DISTINCT least(m.asset_id, k.asset_id), greatest(m.asset_id, k.asset_id)
        FROM fct_asset_splits sm
        JOIN fct_asset_splits sk ON sk.split_id = sm.split_id AND sk.side = 'kept'
        JOIN fct_lot_links m ON m.source = sm.source AND m.source_lot_id = sm.source_lot_id
        JOIN fct_lot_links k ON k.source = sk.source AND k.source_lot_id = sk.source_lot_id
        WHERE sm.side = 'moved' AND m.asset_id <> k.asset_id""").fetchall()
    return {(a, b) for a, b in rows}


def _assign(con: duckdb.DuckDBPyConnection, stats: LinkStats) -> None:
    """Score the candidate pairs in batches, join linked pairs into components and write fct_lot_links (and
    fct_asset_merges)."""
    n = stats.new_lots
    stats.candidate_pairs = con.execute("SELECT count(*) FROM lk_pairs").fetchall()[0][0]
    names = ("same_case_number", "same_disposal_unit", "same_debtor", "same_numbers", "same_type", "same_address",
             "principal_ratio", "value_ratio", "same_source", "same_reserve", "same_debtors_set", "same_claim_as_of")
    linked: list[pa.Table] = []
    reader = con.sql("SELECT * FROM lk_pairs ORDER BY a, b_source, b_lot").to_arrow_reader(BATCH)
    for batch in reader:
        t = pa.Table.from_batches([batch])
        cols = {c: t.column(c).to_numpy() for c in names}
        ts, ads, rule, score = score_pairs(cols, (t.column("a_title"), t.column("b_title")),
                                           (t.column("a_address"), t.column("b_address")))
        _unlink_twins(rule, ts, cols, *(t.column(c).to_numpy(zero_copy_only=False) for c in ("a", "b", "asset_id")))
        keep = rule >= 0
        if keep.any():
            mask = pa.array(keep)
            kept = t.select(["a", "b", "asset_id", "b_source", "b_lot", *names[:4], "principal_ratio",
                             "value_ratio"]).filter(mask)
            kept = kept.append_column("rule", pa.array([RULES[i][0] for i in rule[keep]]))
            kept = kept.append_column("score", pa.array(score[keep]))
            kept = kept.append_column("title_similarity", pa.array(ts[keep]))
            kept = kept.append_column("address_similarity", pa.array(ads[keep]))
            linked.append(kept)
    pairs = pa.concat_tables(linked) if linked else None
    stats.linked_pairs = pairs.num_rows if pairs is not None else 0

    # components over new lots (0..n-1) and the existing assets they touch (n + j)
    uf = _UnionFind(n)
    existing: dict[int, int] = {}  # asset_id -> node
    apart = _apart(con)
    if pairs is not None:
        a_col = pairs.column("a").to_pylist()
        b_col = pairs.column("b").to_pylist()
        asset_col = pairs.column("asset_id").to_pylist()
        order = range(len(a_col))
        if apart:  # best links first, so a lot that matches both sides of a split joins the one it matches best
            scores = pairs.column("score").to_pylist()
            order = sorted(order, key=lambda i: -scores[i])
        held: dict[int, set[int]] = {}  # root -> the existing assets in its component (only tracked for splits)
        dropped = []
        for i in order:
            a, b, asset = a_col[i], b_col[i], asset_col[i]
            if b is None:
                node = existing.get(asset)
                if node is None:
                    node = existing[asset] = len(uf.parent)
                    uf.parent.append(node)
                    held[node] = {asset}
                other = node
            else:
                other = b
            if apart:
                ra, rb = uf.find(a), uf.find(other)
                left, right = held.get(ra, set()), held.get(rb, set())
                if ra != rb and any((min(x, y), max(x, y)) in apart for x in left for y in right):
                    dropped.append(i)  # would join the two sides of a split
                    continue
                uf.union(a, other)
                held[uf.find(a)] = left | right
            else:
                uf.union(a, other)
        if dropped:
            keep = np.ones(len(a_col), dtype=bool)
            keep[dropped] = False
            pairs = pairs.filter(pa.array(keep))
            stats.linked_pairs = pairs.num_rows
    next_id = con.execute("SELECT greatest((SELECT max(asset_id) FROM fct_lot_links), "
                          "(SELECT max(merged_asset_id) FROM fct_asset_merges), 0)").fetchall()[0][0] + 1
    assets_of_root: dict[int, list[int]] = {}
    for asset, node in existing.items():
        assets_of_root.setdefault(uf.find(node), []).append(asset)
    target: dict[int, int] = {}
    merges: list[tuple[int, int, int]] = []  # (merged, into, root)
    for root, ids in assets_of_root.items():
        ids.sort()
        target[root] = ids[0]
        merges.extend((other, ids[0], root) for other in ids[1:])
    asset_of = np.empty(n, dtype=np.int64)
    for idx in range(n):  # idx order = (source, source_lot_id) order: new ids follow it
        root = uf.find(idx)
        asset = target.get(root)
        if asset is None:
            asset = target[root] = next_id
            next_id += 1
            stats.new_assets += 1
        asset_of[idx] = asset

    # each new lot's best link (highest score, then rule order, then partner) is its evidence
    con.register("lk_assets", pa.table({"idx": np.arange(n, dtype=np.int64), "asset_id": asset_of}))
    if pairs is not None:
        con.register("lk_linked", pairs)
        best = """
        SELECT * FROM (
            SELECT a AS idx, b_source, b_lot, rule, score, same_case_number, same_disposal_unit, same_debtor,
                   same_numbers, principal_ratio, value_ratio, title_similarity, address_similarity FROM lk_linked
            UNION ALL
            SELECT l.b, n.source, n.source_lot_id, rule, score, same_case_number, same_disposal_unit, same_debtor,
                   same_numbers, principal_ratio, value_ratio, title_similarity, address_similarity
            FROM lk_linked l JOIN lk_new n ON n.idx = l.a WHERE l.b IS NOT NULL)
        QUALIFY row_number() OVER (PARTITION BY idx ORDER BY score DESC, b_source, b_lot) = 1"""
    else:
        best = ("SELECT NULL::BIGINT AS idx, NULL AS b_source, NULL AS b_lot, NULL AS rule, NULL::DOUBLE AS score, "
                + ", ".join(f"NULL AS {c}" for c in EVIDENCE_COLUMNS) + " WHERE false")
    tri = "CASE {c} WHEN 1 THEN true WHEN 0 THEN false END"
    neg = "nullif({c}, -1)"
    evidence = [tri.format(c=f"e.{c}") for c in EVIDENCE_COLUMNS[:4]] + \
               [neg.format(c=f"e.{c}") for c in EVIDENCE_COLUMNS[4:]]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lk_result AS
        SELECT n.source, n.source_lot_id, s.asset_id, coalesce(e.rule, 'new_asset') AS rule, e.score,
               e.b_source AS matched_source, e.b_lot AS matched_lot_id,
               {", ".join(f"{x} AS {c}" for x, c in zip(evidence, EVIDENCE_COLUMNS, strict=True))},
               {", ".join(f"n.{c}" for c in KEY_COLUMNS)}, now() AS linked_at, n.run_id
        FROM lk_new n JOIN lk_assets s USING (idx) LEFT JOIN ({best}) e USING (idx)""")
    con.unregister("lk_assets")
    cols = ("source, source_lot_id, asset_id, rule, score, matched_source, matched_lot_id, "
            + ", ".join(EVIDENCE_COLUMNS) + ", " + ", ".join(KEY_COLUMNS) + ", linked_at, run_id")
    if merges:
        # the bridging lot of each merge: the new lot of the component with the best link
        root_of_lot = {}
        for idx in range(n):
            root_of_lot.setdefault(uf.find(idx), idx)
        rows = [(merged, into, root_of_lot[root]) for merged, into, root in merges]
        con.execute("CREATE OR REPLACE TEMP TABLE lk_merges (merged BIGINT, into_id BIGINT, idx BIGINT)")
        con.executemany("INSERT INTO lk_merges VALUES (?, ?, ?)", rows)
        con.execute("""
            INSERT INTO fct_asset_merges
            SELECT m.merged, m.into_id, r.source, r.source_lot_id, r.rule, r.score,
                   (SELECT count(*) FROM fct_lot_links l WHERE l.asset_id = m.merged), now(), r.run_id
            FROM lk_merges m JOIN lk_new n ON n.idx = m.idx
            JOIN lk_result r ON r.source = n.source AND r.source_lot_id = n.source_lot_id
            ORDER BY m.merged""")
        con.execute("UPDATE fct_lot_links AS l SET asset_id = m.into_id FROM lk_merges m WHERE l.asset_id = m.merged")
        stats.merges = len(merges)
    con.execute(f"INSERT INTO fct_lot_links ({cols}) SELECT {cols} FROM lk_result ORDER BY asset_id, source, "
                "source_lot_id")
    if pairs is not None:
        con.unregister("lk_linked")
    _debt_package_evidence(con)
    stats.rules = dict(con.execute("SELECT rule, count(*) FROM lk_result GROUP BY rule").fetchall())


class SplitError(ValueError):
    """A split that cannot be done as asked (unknown asset, a lot not in it, nothing left behind, no reason)."""


@dataclass
class Split:
    split_id: int
    from_asset_id: int
    into_asset_id: int
    moved: list[tuple[str, str]]
    kept: list[tuple[str, str]]


def split_asset(con: duckdb.DuckDBPyConnection, asset_id: int, lots: list[str], *, reason: str, by: str) -> Split:
    """Move ``lots`` (``source:source_lot_id``, or a bare ``source_lot_id`` when one lot of the asset has it) out of
    ``asset_id`` into a new asset, keeping their link evidence and recording the split (see the module). Run it in
    a transaction (``warehouse.db.publishing``)."""
    if not reason.strip():
        raise SplitError("say why the link is wrong (--reason): it is kept with the split")
    members = con.execute("SELECT source, source_lot_id FROM fct_lot_links WHERE asset_id = ? ORDER BY ALL",
                          [asset_id]).fetchall()
    if not members:
        raise SplitError(f"no asset {asset_id} (see the view assets)")
    moved: list[tuple[str, str]] = []
    for lot in lots:
        source, _, lot_id = lot.rpartition(":")
        found = [m for m in members if m[1] == lot_id and (not source or m[0] == source)]
        if len(found) != 1:
            listed = ", ".join(f"{s}:{i}" for s, i in members)
            raise SplitError(f"{lot} is {'ambiguous' if found else 'not a lot'} of asset {asset_id} "
                             f"(its lots: {listed})")
        if found[0] not in moved:
            moved.append(found[0])
    kept = [m for m in members if m not in moved]
    if not kept:
        raise SplitError(f"every lot of asset {asset_id} is listed: nothing would be split off")
    new_id = con.execute("SELECT greatest((SELECT max(asset_id) FROM fct_lot_links), "
                         "(SELECT max(merged_asset_id) FROM fct_asset_merges), "
                         "(SELECT max(into_asset_id) FROM fct_asset_splits), 0) + 1").fetchone()[0]
    split_id = con.execute("SELECT coalesce(max(split_id), 0) + 1 FROM fct_asset_splits").fetchone()[0]
    con.execute("CREATE OR REPLACE TEMP TABLE sp_lots (source VARCHAR, source_lot_id VARCHAR, side VARCHAR)")
    con.executemany("INSERT INTO sp_lots VALUES (?, ?, ?)",
                    [(*m, "moved") for m in moved] + [(*k, "kept") for k in kept])
    con.execute("""
        INSERT INTO fct_asset_splits
        SELECT ?, s.side, ?, ?, l.source, l.source_lot_id, l.rule, l.score, l.matched_source, l.matched_lot_id,
               ?, ?, now()
        FROM sp_lots s JOIN fct_lot_links l USING (source, source_lot_id)
        ORDER BY s.side DESC, l.source, l.source_lot_id""", [split_id, asset_id, new_id, reason, by])
    con.execute("UPDATE fct_lot_links AS l SET asset_id = ? FROM sp_lots s WHERE s.side = 'moved' "
                "AND l.source = s.source AND l.source_lot_id = s.source_lot_id", [new_id])
    con.execute("DROP TABLE sp_lots")
    return Split(split_id, asset_id, new_id, moved, kept)
