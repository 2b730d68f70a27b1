"""Write the reading room: <warehouse>/reports/index.html and the data it loads on demand.

    reports/index.html                 the page: styles and script inlined, no network
    reports/room/<generation>/*.js     data, one file per day, per article and per view

Each data file is a script that hands its JSON to the page (`RR.put(key, data)`): browsers
load scripts from file:// where they refuse fetch(), so the room opens from the disk as it is,
and each view loads only its own files. A new room is written into a folder of its own, then
index.html is renamed over the old one and older generations are removed: a run killed while
writing leaves the previous room whole, and the page never mixes two runs' files.

A day or article file whose rows are those of the room on disk (same digest, digests.py, and
the same code) is not built again: the new generation gets a hard link to the old file (a
copy where the file system has no links). Files are never changed in place, so the old
generation stays whole while a reader still has it open."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.report.changes import Snapshot, take_snapshot, whats_new
from pipelines.report.facts import UNDATED, Facts
from pipelines.report.pages import (
    DaySummary,
    Row,
    Timeline,
    article_list,
    article_page,
    by_key,
    map_page,
    timeline,
)
from pipelines.report.sources import sources_page
from pipelines.store.atomic import storage_errors, write_bytes_atomic
from pipelines.store.locks import warehouse_lock
from pipelines.store.warehouse import DUCKDB_FILE

ROOM_INDEX = Path("reports") / "index.html"
ROOM_DATA = Path("reports") / "room"
STATE = Path("state") / "reading-room"
SNAPSHOTS = STATE / "snapshots"  # one folder per room: its ids, tolls and file digests
ARTICLE_BATCH = 5_000  # article pages built from one query of each table
STATIC = Path(__file__).parent / "static"
_BUILDING = re.compile(r"^\.building-(\d+)-")


@dataclass
class ReadingRoom:
    index: Path
    rebuilt: bool  # False: the warehouse and this code were those of the room on disk
    files: int = 0
    data_bytes: int = 0  # every data file, summed
    index_bytes: int = 0  # index.html plus the data the first view loads
    days: int = 0
    articles: int = 0
    reused: int = 0  # day and article files taken from the previous room as they were


def code_version() -> str:
    """This package's code and static files, and the DuckDB version its digests depend on:
    a changed page is written again."""
    h = hashlib.sha256(duckdb.__version__.encode())
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), *STATIC.iterdir()]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def warehouse_version(warehouse_dir: Path) -> str:
    """The DuckDB file's identity: a rebuild renames a new file over it."""
    st = (warehouse_dir / DUCKDB_FILE).stat()
    return f"{st.st_ino}-{st.st_size}-{st.st_mtime_ns}"


def build_reading_room(
    warehouse_dir: Path | str, *, lock_timeout_s: float | None = None, force: bool = False
) -> ReadingRoom:
    """Write the reading room of the warehouse, unless the room on disk was made from this
    very warehouse file by this code (force: write it anyway)."""
    warehouse_dir = Path(warehouse_dir)
    index = warehouse_dir / ROOM_INDEX
    with warehouse_lock(warehouse_dir, "reports", lock_timeout_s):
        current = _read_json(warehouse_dir / STATE / "current.json")
        version = {"warehouse": warehouse_version(warehouse_dir), "code": code_version()}
        if (
            not force
            and current
            and current.get("version") == version
            and index.is_file()
            and (warehouse_dir / ROOM_DATA / current.get("generation", "?")).is_dir()
        ):
            return ReadingRoom(index, rebuilt=False)
        previous = _read_json(warehouse_dir / STATE / "previous.json")
        if current and current.get("version", {}).get("warehouse") != version["warehouse"]:
            previous = current  # the warehouse changed: what it held is now "before"
            write_bytes_atomic(warehouse_dir / STATE / "previous.json", _dumps(previous))
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        generation = f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        snapshots = warehouse_dir / SNAPSHOTS
        before = _usable(previous, snapshots)
        # force: every file built again, none taken from the room on disk. Days are taken
        # from the room on disk only when it is also what this one is compared with (an
        # unchanged day then has nothing new).
        reuse = _Reuse(
            warehouse_dir / ROOM_DATA,
            None if force or before is None else current,
            version["code"],
            warehouse_dir / STATE / "days.pickle",
            snapshots,
        )
        with Facts(warehouse_dir) as facts:
            room, snapshot = _write_room(warehouse_dir, facts, before, now, generation, reuse)
        keys = list(reuse.digests)
        pq.write_table(
            pa.table(
                {
                    "key": keys,
                    "digest": [reuse.digests[k] for k in keys],
                    "size": pa.array([reuse.sizes[k] for k in keys], pa.int64()),
                }
            ),
            snapshots / generation / "digests.parquet",
        )
        record = {"version": version, "generation": generation, "snapshot": snapshot}
        write_bytes_atomic(warehouse_dir / STATE / "current.json", _dumps(record))
        _remove_other_generations(warehouse_dir / ROOM_DATA, keep=generation)
        keep = {generation, ((previous or {}).get("snapshot") or {}).get("folder")}
        _remove_other_generations(snapshots, keep=keep)
        return room


class _Reuse:
    """The previous room's day and article files, and the digest of the rows each was made
    from; usable only when the same code wrote them. With the days' summaries (the cards in
    brief and their filters, pages.DaySummary) kept in state/ by digest, an unchanged day's
    cards are not built again either."""

    def __init__(
        self, data_root: Path, current: dict | None, code: str, summaries: Path, snapshots: Path
    ):
        usable = current is not None and current.get("version", {}).get("code") == code
        self.folder = data_root / current["generation"] if usable and current else None
        self.old: dict[str, tuple[str, int]] = {}  # key -> digest, size of the file
        if self.folder is not None and current:
            self.old = _read_digests(snapshots / current["generation"] / "digests.parquet")
        # This room's, recorded for the next: a file's size is known without a stat.
        self.digests: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.code = code
        self.summaries_path = summaries
        self.summaries: dict[str, tuple[str, DaySummary]] = {}
        if self.folder is not None:
            self.summaries = _read_summaries(summaries, code)

    def day(self, day: str, digest: str, building: Path) -> tuple[int, DaySummary] | None:
        """The previous room's file and summary of a day whose rows are unchanged: the file
        is linked into the new room; its size and the summary. None: build the day."""
        kept = self.summaries.get(day)
        if kept is None or kept[0] != digest:
            return None
        size = self.take(f"days/{day}", digest, building)
        return None if size is None else (size, kept[1])

    def save_summaries(self, days: dict[str, str], tl: Timeline) -> None:
        record = {"code": self.code, "days": {d: (days[d], s) for d, s in tl.summaries.items()}}
        write_bytes_atomic(self.summaries_path, pickle.dumps(record, pickle.HIGHEST_PROTOCOL))

    def take(self, key: str, digest: str, building: Path) -> int | None:
        """Link the previous room's file for key into the new one if its rows are the same:
        its size, or None (build it)."""
        self.digests[key] = digest
        old = self.old.get(key)
        if self.folder is None or old is None or old[0] != digest:
            return None
        # One system call per kept file: at 200,000 articles a new room links as many.
        source, target = os.path.join(self.folder, f"{key}.js"), os.path.join(building, f"{key}.js")
        try:
            os.link(source, target)
        except FileNotFoundError:
            return None
        except OSError:
            shutil.copyfile(source, target)  # a file system without hard links
        self.sizes[key] = old[1]
        return old[1]


def _write_room(
    warehouse_dir: Path,
    facts: Facts,
    previous: Snapshot | None,
    now: dt.datetime,
    generation: str,
    reuse: _Reuse,
) -> tuple[ReadingRoom, Snapshot]:
    data_root = warehouse_dir / ROOM_DATA
    building = data_root / f".building-{os.getpid()}-{generation}"
    written: dict[str, int] = {}
    reused = 0

    def put(key: str, data: Any) -> None:
        # The key is the file's path below the generation folder, without ".js".
        payload = f"RR.put({json.dumps(key)},{_json(data)});\n".encode()
        path = building / f"{key}.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as f:  # never into a file linked from the previous room
            f.write(payload)
        written[key] = len(payload)

    with storage_errors(data_root):
        _remove_stale_builds(data_root)
        building.mkdir(parents=True)
        for folder in ("days", "articles"):  # where kept files are linked to
            (building / folder).mkdir()
        try:
            days = facts.day_digests()

            def put_day(day: str, page: Any) -> None:
                reuse.digests[f"days/{day}"] = days[day][0]
                put(f"days/{day}", page)
                reuse.sizes[f"days/{day}"] = written[f"days/{day}"]

            def kept_day(day: str) -> DaySummary | None:
                nonlocal reused
                found = reuse.day(day, days[day][0], building)
                if found is None:
                    return None
                written[f"days/{day}"], reused = found[0], reused + 1
                return found[1]

            tl = timeline(facts, days, put_day, kept_day)
            reuse.save_summaries({d: digest for d, (digest, _) in days.items()}, tl)
            changed = []
            n_articles = 0
            for aid, digest in facts.article_digests():
                n_articles += 1
                size = reuse.take(f"articles/{aid}", digest, building)
                if size is None:
                    changed.append(aid)
                else:
                    written[f"articles/{aid}"], reused = size, reused + 1
            for start in range(0, len(changed), ARTICLE_BATCH):
                for aid, page in _article_pages(facts, changed[start : start + ARTICLE_BATCH]):
                    put(f"articles/{aid}", page)
                    reuse.sizes[f"articles/{aid}"] = written[f"articles/{aid}"]
            put("article-list", article_list(facts))
            put("sources", sources_page(facts, tl))
            new = whats_new(previous, warehouse_dir / SNAPSHOTS, facts, tl)
            put("changes", new)
            put("map", map_page(facts))
            world = json.loads((STATIC / "world.json").read_text(encoding="utf-8"))
            put("world", world)
            put("index", _index(facts, tl, new, now, generation))
            snapshot = take_snapshot(
                facts, tl, now, warehouse_dir / SNAPSHOTS, generation, previous
            )
            os.replace(building, data_root / generation)
        except BaseException:
            # A room that cannot be finished leaves nothing behind; the previous one stays.
            shutil.rmtree(building, ignore_errors=True)
            shutil.rmtree(warehouse_dir / SNAPSHOTS / generation, ignore_errors=True)
            raise
    page = _page(generation)
    write_bytes_atomic(warehouse_dir / ROOM_INDEX, page)
    first_view = written["index"] + sum(
        written.get(f"days/{d}", 0) for d in tl.day_order[-_FIRST_VIEW_DAYS:]
    )
    room = ReadingRoom(
        index=warehouse_dir / ROOM_INDEX,
        rebuilt=True,
        files=len(written) + 1,
        data_bytes=sum(written.values()),
        index_bytes=len(page) + first_view,
        days=len([d for d in tl.day_order if d != UNDATED]),
        articles=n_articles,
        reused=reused,
    )
    return room, snapshot


def _article_pages(facts: Facts, ids: list[str]) -> list[tuple[str, Row]]:
    """The pages of these articles: each table read once for all of them."""
    facts.register("room_ids", "article_id", ids)
    within = "WHERE article_id IN (SELECT article_id FROM room_ids) ORDER BY article_id"
    rows = {
        name: by_key(facts.rows(f"SELECT * FROM {table} {within}, {order}"), "article_id")
        for name, table, order in (
            ("events", "room_events", "day NULLS LAST, start_char, event_id"),
            ("claims", "claims", "start_char, claim_id"),
            ("quantities", "quantities", "start_char, quantity_id"),
        )
    }
    pages = [
        (
            a["article_id"],
            article_page(a, **{n: r.get(a["article_id"], []) for n, r in rows.items()}),
        )
        for a in facts.rows(f"SELECT * FROM articles {within}")
    ]
    facts.con.unregister("room_ids")
    return pages


_FIRST_VIEW_DAYS = 7  # days the timeline shows before "earlier days" (app.js: PAGE_DAYS)


def _index(facts: Facts, tl: Timeline, new: dict, now: dt.datetime, generation: str) -> dict:
    versions = [
        v
        for (v,) in facts.con.execute(
            "SELECT extractor_version FROM events UNION SELECT extractor_version FROM claims "
            "ORDER BY 1"
        ).fetchall()
    ]
    count = {
        table: facts.value(f"SELECT count(*) FROM {table}")
        for table in ("articles", "events", "claims", "quantities")
    }
    return {
        "generated_at": now.isoformat(),
        "generation": generation,
        "counts": {
            "articles": count["articles"],
            "events": count["events"],
            "clusters": sum(s.cards for s in tl.summaries.values()),
            "claims": count["claims"],
            "quantities": count["quantities"],
        },
        "extractor_versions": versions,
        "days": [[d, tl.summaries[d].cards, tl.summaries[d].mentions] for d in tl.day_order],
        "facets": tl.facets,
        "facet_days": tl.facet_days,
        "new": {
            "since": new["since"],
            "first": new["first"],
            "articles": new["articles"]["total"],
            "mentions": new["mentions"],
            "claims": new["claims"]["total"],
        },
    }


def _page(generation: str) -> bytes:
    """index.html: the template with the styles and the script inlined."""
    template = (STATIC / "index.html").read_text(encoding="utf-8")
    style = (STATIC / "style.css").read_text(encoding="utf-8")
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    page = (
        template.replace("/*STYLE*/", style)
        .replace("/*APP*/", script)
        .replace("{{ROOM}}", f"room/{generation}")
    )
    return page.encode()


def _json(data: Any) -> str:
    # "</" never appears raw, so the data could be inlined in a <script> element too.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("</", "<\\/")


def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None  # no room yet, or a record from a killed write: start over


def _read_summaries(path: Path, code: str) -> dict[str, tuple[str, DaySummary]]:
    """The days' summaries an earlier room kept (ours: written by this module), when the same
    code made them."""
    try:
        record = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}
    return record["days"] if record.get("code") == code else {}


def _remove_stale_builds(data_root: Path) -> None:
    """Folders of builds a killed run never finished (we hold the reports lock)."""
    if data_root.is_dir():
        for folder in data_root.iterdir():
            if _BUILDING.match(folder.name):
                shutil.rmtree(folder, ignore_errors=True)


def _usable(record: dict | None, snapshots: Path) -> Snapshot | None:
    """The record's snapshot, if its folder is there (a record of an older format or whose
    folder was lost: compare with nothing, everything is new)."""
    snapshot = (record or {}).get("snapshot") or {}
    folder = snapshot.get("folder")
    return snapshot if folder and (snapshots / folder).is_dir() else None


def _read_digests(path: Path) -> dict[str, tuple[str, int]]:
    try:
        table = pq.read_table(path, columns=["key", "digest", "size"])
    except (OSError, pa.ArrowException):
        return {}  # none kept (or kept without sizes): every file is built
    pairs = zip(table["digest"].to_pylist(), table["size"].to_pylist(), strict=True)
    return dict(zip(table["key"].to_pylist(), pairs, strict=True))


def _remove_other_generations(data_root: Path, keep: str | set[str | None]) -> None:
    keep = {keep} if isinstance(keep, str) else keep
    for folder in data_root.iterdir():
        if folder.is_dir() and folder.name not in keep and not _BUILDING.match(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
