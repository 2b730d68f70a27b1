"""The reading room: the story an analyst reads in a browser, generated from the warehouse on
every run. Plain Python over the DuckDB file (read-only); no Dagster here.

  facts.py    the warehouse opened read-only, the room's views over it, and the digest of
              the rows behind each day and article file (unchanged files are not rewritten)
  pages.py    the views' data: timeline cards by day, article pages, the map
  sources.py  the sources view: speakers, anonymous-only events, contradicting claims
  changes.py  what is new since the previous run (a snapshot of ids kept as Parquet in
              state/reading-room/snapshots/)
  room.py     writes reports/index.html and the data files it loads on demand
  browser.py  headless Chromium over a DevTools pipe: the browser test and make bench open
              the room with it
  static/     the page's template, script and styles, and the map's country outlines
"""

from pipelines.report.room import ROOM_INDEX, ReadingRoom, build_reading_room

__all__ = ["ROOM_INDEX", "ReadingRoom", "build_reading_room"]
