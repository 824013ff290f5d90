"""Replica of Alibaba's legacy auction sites (shared/sources.md §1): sf.taobao.com / sf-item.taobao.com (司法拍卖)
and zc-paimai.taobao.com / zc-item.taobao.com (资产拍卖, incl. 债权), plus paimai.taobao.com and desc.alicdn.com.

- `generator`: seeded lots, relisting chains and their state per night (the ground truth);
- `site`: the URL map and page rendering; `templates/`: one template per page kind;
- `data`: places (GB2260), courts, sellers and word lists.
"""
