"""Replica of JD auctions (京东拍卖, shared/sources.md §2): the JSON API on api.m.jd.com that every JD auction page
loads its data from, and the detail pages on paimai.jd.com (JavaScript shells).

- `generator`: seeded lots and their state per night, incl. debt packages down to the loan (the ground truth);
- `site`: the API functions (``paimai_unifiedSearch``, ``getProductBasicInfo``, ``getPaimaiRealTimeData``,
  ``queryProductDescription``, ``queryAttachFilesForIntro``), the envelope and JSONP wrapper, the shell pages;
- `data`: places with JD area ids, categories, labels, sellers and word lists.
"""

from replicas.jd.generator import JdGenerator, JdLot, Loan, Package
from replicas.jd.site import JdSite, search_url

__all__ = ["JdGenerator", "JdLot", "JdSite", "Loan", "Package", "search_url"]
