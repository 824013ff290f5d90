"""Local replicas of the real auction sites, for tests, demos and benchmarks without the internet.

`ReplicaServer` serves every replicated host on one loopback port (dispatching on the ``Host`` header); the
Alibaba replica (sf.taobao.com judicial auctions and zc-paimai.taobao.com asset / NPL auctions) lives in
`replicas.alibaba`. ``python -m replicas serve`` runs one from the command line.
"""

from replicas.alibaba.generator import AlibabaGenerator, Bid, Debt, Lot
from replicas.alibaba.site import start_urls
from replicas.server import ReplicaServer

__all__ = ["AlibabaGenerator", "Bid", "Debt", "Lot", "ReplicaServer", "start_urls"]
