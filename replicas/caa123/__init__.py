"""Replica of 中拍平台 (caa123, the China Auctioneers Association's platform): the judicial JSON API on
sf.caa123.org.cn and the commercial lot pages on paimai.caa123.org.cn (docs/sources_caa123.md).

- `generator`: seeded lots and their state per night (the ground truth);
- `site`: what each host serves (marked inventions in its docstring and tests/golden/REPLICA_NOTES.md).

The court aggregator's replica re-lists the judicial side's lots from the generator (`replicas.rmfysszc.feeds`).
"""

from replicas.caa123.generator import CaaGenerator, CaaLot
from replicas.caa123.site import CaaSite

__all__ = ["CaaGenerator", "CaaLot", "CaaSite"]
