"""Replica of CBEX 北京产权交易所 (www.cbex.com.cn) debt listings behind its Jiasule 521 gate: `CbexGenerator` plans
the listings (some the AMC replica's own debt packages), `CbexSite` serves them."""

from replicas.cbex.generator import CbexGenerator, Listing
from replicas.cbex.site import CbexSite

__all__ = ["CbexGenerator", "CbexSite", "Listing"]
