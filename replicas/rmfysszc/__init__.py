"""人民法院诉讼资产网 replica: the other replicas' court lots re-listed (`feeds`), served as the site serves them (`site`)."""

from replicas.rmfysszc.feeds import FEEDS, Relisted
from replicas.rmfysszc.site import RmfysszcSite

__all__ = ["FEEDS", "Relisted", "RmfysszcSite"]
