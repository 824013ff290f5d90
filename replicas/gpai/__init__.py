"""Replica of 公拍网 gpai.net (shared/sources.md §4): court-auction lists and lot pages on www.gpai.net.

- `generator`: seeded lots sold by Shanghai courts round after round (一拍 → 二拍 → 变卖), their state per night;
- `site`: the list pages (``search.do``, ``court.do``), the lot pages (``item2.do``) and the error redirect.

`relist_lots` gives the lots of a night with what a court-auction aggregator copies from a court's own listing
(the 人民法院诉讼资产网 replica re-lists some of them), so both replicas describe the same sales.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from replicas.gpai.generator import GpaiGenerator, GpaiLot, at
from replicas.gpai.site import GpaiSite

__all__ = ["GpaiGenerator", "GpaiLot", "GpaiSite", "copied", "relist_lots"]


@lru_cache(maxsize=8)
def _generator(seed: int, n_lots: int, base_date: date) -> GpaiGenerator:
    return GpaiGenerator(seed=seed, n_lots=n_lots, base_date=base_date)


def relist_lots(seed: int = 7, n_lots: int = 300, night: int = 1,
                base_date: date = date(2026, 11, 20)) -> list[dict]:
    """The gpai lots visible on ``night`` (the same seed, size and base date as the `ReplicaServer` serving them),
    each as the fields a court aggregator copies: ``id`` (gpai's Web_Item_ID), ``url``, ``court``, ``title``
    (without the 【一拍】 prefix), ``round`` (一拍 / 二拍 / 变卖), ``address`` (None for a car, shares or goods),
    ``appraisal`` and ``start_price`` (yuan, `Decimal`), ``start_time`` (aware datetime, Asia/Shanghai),
    ``category`` (gpai's type code: 376 房产, 381 土地, …) and ``state``."""
    return [copied(lot) for lot in _generator(seed, n_lots, base_date).lots_for(night)]


def copied(lot: GpaiLot) -> dict:
    """One lot as `relist_lots` describes it (the 人民法院诉讼资产网 replica's feed reads its lots through this)."""
    return {
        "id": lot.item_id, "url": lot.url, "court": lot.court, "title": lot.title.split("】", 1)[1],
        "round": lot.title[1:].split("】", 1)[0], "address": lot.address,
        "appraisal": Decimal(f"{lot.appraisal:.2f}"), "start_price": Decimal(f"{lot.start_price:.2f}"),
        "start_time": at(lot.start_ms), "category": lot.category, "state": lot.state,
    }
