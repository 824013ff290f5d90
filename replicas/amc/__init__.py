"""Replicas of the four AMCs' disposal-notice sites (长城 gwamcc.com, 中信金融 famc.citic, 信达 cinda.com.cn,
东方 sales.coamc.com.cn): `AmcGenerator` plans the notices (and Great Wall's asset list) from a seed, night by night;
`replicas.amc.sites` serves them in each site's shape; `replicas.amc.notices` writes the free-form notice bodies."""

from replicas.amc.generator import AmcGenerator, Asset, LoanRow, Notice
from replicas.amc.sites import amc_sites

__all__ = ["AmcGenerator", "Asset", "LoanRow", "Notice", "amc_sites"]
