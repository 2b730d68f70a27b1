"""Jobs: the whole graph (the nightly run, `eventwire run`), and everything from raw/ on (what
the sensor starts when files land: no feed fetching)."""

import dagster as dg

from pipelines.defs.ingest import fetched_feed_items
from pipelines.defs.policies import WAREHOUSE_RUN_TAGS

eventwire_job = dg.define_asset_job(
    "eventwire_job",
    selection=dg.AssetSelection.all(),
    description="Fetch feeds (if configured), read raw/, extract, link, rebuild the warehouse.",
    run_tags=WAREHOUSE_RUN_TAGS,
)

raw_files_job = dg.define_asset_job(
    "raw_files_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(fetched_feed_items),
    description="Read raw/, extract, link, rebuild the warehouse (no feed fetching).",
    run_tags=WAREHOUSE_RUN_TAGS,
)
