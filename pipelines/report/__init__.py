"""The reading room: the story an analyst reads in a browser, generated from the warehouse on
every run. Plain Python over the DuckDB file (read-only); no Dagster here.

  facts.py    the rows the pages need, read from the warehouse
  pages.py    the views' data: timeline cards by day, article pages, the map
  sources.py  the sources view: speakers, anonymous-only events, contradicting claims
  changes.py  what is new since the previous run (a snapshot kept in state/reading-room/)
  room.py     writes reports/index.html and the data files it loads on demand
  digests.py  what each day and article file is made from: unchanged ones are not rewritten
  browser.py  headless Chromium over a DevTools pipe: the browser test and make bench open
              the room with it
  static/     the page's template, script and styles, and the map's country outlines
"""

from pipelines.report.room import ROOM_INDEX, ReadingRoom, build_reading_room

__all__ = ["ROOM_INDEX", "ReadingRoom", "build_reading_room"]
