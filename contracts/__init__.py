"""The contracts every layer of Salvage stands on, at the bottom of the house.

- ``models``: the ``Lot`` and ``Loan`` records (pydantic) and their enumerations;
- ``columns``: the one list of warehouse columns, their types and meanings (drives the DDL, the run files'
  Parquet schema and ``salvage schema``);
- ``runfiles``: the run files a crawl writes and an ingest reads (Parquet parts, rejects, meta);
- ``config``: settings from the environment (warehouse path, runs folder, replica, archive, digest).

Nothing here imports another Salvage package: crawlers, normalizers, pipelines, warehouse, alerts and schedules
import these, and the command line (``salvage/``) sits on top of them all.
"""
