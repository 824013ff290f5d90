"""Replica of 中拍平台 (caa123, the China Auctioneers Association's platform): the judicial JSON API on
sf.caa123.org.cn and the commercial lot pages on paimai.caa123.org.cn (docs/sources_caa123.md).

- `generator`: seeded lots and their state per night (the ground truth);
- `site`: what each host serves (marked inventions in its docstring and tests/golden/REPLICA_NOTES.md);
- `relistable_lots`: the court lots of a night with the fields a court aggregator copies, for other replicas
  (a court publishes the same sale on several platforms).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from replicas.caa123.generator import CaaGenerator, CaaLot
from replicas.caa123.site import CaaSite
from replicas.nights import TZ

__all__ = ["CaaGenerator", "CaaLot", "CaaSite", "relistable_lots"]


@lru_cache(maxsize=4)
def _generator(seed: int, n_lots: int, base_date: date) -> CaaGenerator:
    return CaaGenerator(seed=seed, n_lots=n_lots, base_date=base_date)


def relistable_lots(night: int = 1, *, seed: int = 7, n_lots: int = 300,
                    base_date: date = date(2026, 11, 20)) -> list[dict]:
    """The court (judicial side) lots visible on ``night``, in id order, each as the fields a court aggregator such
    as 人民法院诉讼资产网 copies from the court's sale: ``id`` (the caa123 lot id, as a string), ``court``, ``title``,
    ``address``, ``appraisal`` and ``start_price`` (yuan floats; appraisal 0.0 = none), ``start_at`` (aware
    datetime, Asia/Shanghai), plus ``status`` and ``round`` (`Lot` values) to choose which to relist. The same seed,
    size and date give the same lots as the `ReplicaServer` built with them."""
    return [
        {"id": str(lot.lot_id), "court": lot.court, "title": lot.name, "address": lot.position,
         "appraisal": lot.assess_price, "start_price": lot.start_price,
         "start_at": datetime.fromtimestamp(lot.start_ms / 1000, TZ), "status": lot.status, "round": lot.round}
        for lot in _generator(seed, n_lots, base_date).lots_for(night) if lot.side == "sf"
    ]
