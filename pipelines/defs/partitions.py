"""How extraction is partitioned: EVENTWIRE_SHARDS buckets of a hash of the article id
(pipelines/extract/incremental.py's shard_of), read when the code location loads, since
Dagster reads partitions from code. Why shards and not days: docs/scaling.md."""

from __future__ import annotations

import os

import dagster as dg


def shards_from_env() -> int:
    value = os.environ.get("EVENTWIRE_SHARDS", "1")
    try:
        shards = int(value)
    except ValueError:
        shards = 0
    if shards < 1:
        raise ValueError(f"EVENTWIRE_SHARDS={value!r}: give a whole number of shards, 1 or more")
    return shards


SHARDS = shards_from_env()
# Partition key "k" is shard k; its number of digits is fixed, so keys sort in shard order.
SHARD_PARTITIONS = dg.StaticPartitionsDefinition(
    [str(k).zfill(len(str(SHARDS - 1))) for k in range(SHARDS)]
)


def shard_numbers(context: dg.AssetExecutionContext) -> list[int]:
    """The shards a step is to extract: its partitions, or every shard in a run that names
    none (`eventwire run`, the nightly schedule, the raw/ sensor)."""
    if context.has_partition_key or context.has_partition_key_range:
        return [int(key) for key in context.partition_keys]
    return list(range(SHARDS))
