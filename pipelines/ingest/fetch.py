"""Fetch RSS/Atom feeds listed in a sources.yaml and land each new item in raw/ as a JSON file
with its metadata, for the ordinary readers to pick up.

Polite and bounded: conditional requests (ETag / Last-Modified) so an unchanged feed costs a
304, a wall-clock limit on each request however slowly the bytes come, a size cap, http and https only (redirects included),
and a pause between two requests to the same host. A feed that fails is reported and the
others are still fetched. Existing files in raw/ are never touched: items already landed are
recognised by name and skipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import http.client
import json
import os
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines.errors import FetchError, IngestError, SourcesError
from pipelines.ingest.feeds import feed_items
from pipelines.ingest.readers import RawDoc

FETCHED_DIR = "fetched"
STATE_FILE = ".fetch-state.json"  # hidden: not an input for the readers
ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "eventwire/0.1 (news feed reader; polite, conditional requests)"


@dataclass(frozen=True)
class FeedSource:
    name: str
    url: str


@dataclass(frozen=True)
class FetchLimits:
    timeout_s: float = 20.0  # whole request, connect to last byte
    max_bytes: int = 5 * 1024 * 1024
    per_host_delay_s: float = 2.0
    max_redirects: int = 5


@dataclass
class FetchReport:
    source: str
    url: str
    status: str  # new_items | not_modified | error
    items_seen: int = 0
    items_new: int = 0
    message: str = ""
    landed: list[str] = field(default_factory=list)  # paths relative to raw/


def load_sources(
    path: Path | str, on_bad_entry: Callable[[SourcesError], None] | None = None
) -> list[FeedSource]:
    """Read and validate sources.yaml: `feeds: [{name: ..., url: https://...}, ...]`.

    A file that cannot be read, or holds no list of feeds, raises SourcesError. So does a bad
    entry (a `file://` URL, no URL), unless `on_bad_entry` is given: then that entry is
    reported to it and skipped, and the other feeds are still returned."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"{path}: sources file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SourcesError(f"{path}: cannot read the sources file: {err}") from None
    except yaml.YAMLError as err:
        raise SourcesError(f"{path}: not valid YAML: {err}") from None
    feeds = data.get("feeds") if isinstance(data, dict) else None
    if not isinstance(feeds, list) or not feeds:
        raise SourcesError(f"{path}: expected a non-empty list under 'feeds'")
    sources = []
    for i, entry in enumerate(feeds):
        try:
            sources.append(_source(entry, f"{path}: feeds[{i}]"))
        except SourcesError as err:
            if on_bad_entry is None:
                raise
            on_bad_entry(err)
    return sources


def _source(entry: object, where: str) -> FeedSource:
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        raise SourcesError(f"{where}: expected a mapping with a 'url'")
    url = entry["url"].strip()
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme.lower() not in ALLOWED_SCHEMES or not parsed.hostname:
        raise SourcesError(
            f"{where}: {url!r} is not an http or https URL; skipped (fix or remove the entry)"
        )
    return FeedSource(name=str(entry.get("name") or parsed.hostname), url=url)


def fetch_feeds(
    sources: list[FeedSource],
    raw_dir: Path | str,
    *,
    limits: FetchLimits | None = None,
    now: dt.datetime | None = None,
    log: Callable[[str], None] | None = None,
) -> list[FetchReport]:
    limits = limits or FetchLimits()
    raw_dir = Path(raw_dir)
    now = now or dt.datetime.now(dt.UTC)
    state_path = raw_dir / FETCHED_DIR / STATE_FILE
    state = _load_state(state_path)
    last_request: dict[str, float] = {}
    reports = []
    for source in sources:
        host = urllib.parse.urlsplit(source.url).hostname or ""
        wait = limits.per_host_delay_s - (time.monotonic() - last_request.get(host, -1e9))
        if wait > 0:
            time.sleep(wait)
        last_request[host] = time.monotonic()
        report = _fetch_one(source, raw_dir, state, limits, now)
        last_request[host] = time.monotonic()
        reports.append(report)
        if log:
            log(f"{source.name}: {report.status} ({report.items_new} new) {report.message}")
        _save_state(state_path, state)
    return reports


def _fetch_one(
    source: FeedSource, raw_dir: Path, state: dict, limits: FetchLimits, now: dt.datetime
) -> FetchReport:
    report = FetchReport(source=source.name, url=source.url, status="error")
    known = state.get(source.url, {})
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    }
    if known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    try:
        status, response_headers, body = _get(source.url, headers, limits)
    except FetchError as err:
        report.message = str(err)
        return report
    if status == 304:
        report.status = "not_modified"
        return report
    try:
        items = list(feed_items(body))
    except IngestError as err:
        report.message = f"{err.reason}: {err.message}"
        return report
    host = urllib.parse.urlsplit(source.url).hostname or "unknown-host"
    folder = raw_dir / FETCHED_DIR / _safe_name(host)
    for item in items:
        if not isinstance(item, RawDoc):
            continue  # an item without text: the feed is fine, that item has nothing to land
        report.items_seen += 1
        key = item.extra.get("guid") or item.extra.get("id") or item.url or item.text
        name = hashlib.sha256(f"{source.url}\n{key}".encode()).hexdigest()[:20] + ".json"
        path = folder / name
        if path.exists():
            continue
        _write_new(path, _item_record(item, source, now))
        report.items_new += 1
        report.landed.append(path.relative_to(raw_dir).as_posix())
    report.status = "new_items" if report.items_new else "not_modified"
    state[source.url] = {
        "etag": response_headers.get("ETag"),
        "last_modified": response_headers.get("Last-Modified"),
        "fetched_at": now.isoformat(),
    }
    return report


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, max_redirects: int):
        self.max_redirections = max_redirects

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise FetchError(f"refused a redirect to {newurl!r}: only http and https are fetched")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Deadline:
    """A wall-clock limit on one fetch, redirects included. A socket timeout alone restarts
    with every byte, so a server sending one byte a second would hold the run for ever: at the
    deadline a timer shuts down every socket the fetch opened, which wakes any read blocked on
    them (connect, TLS handshake, headers or body alike)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return max(self._end - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> socket.socket:
        # A duplicate of the descriptor: shutdown acts on the connection itself, so it works
        # even after TLS has taken the original socket object over (detached it).
        dup = sock.dup()
        with self._lock:
            self._sockets.append(dup)
            expired = self.expired
        if expired:
            self._shutdown(dup)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed by its owner
            sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _connection(base: type[http.client.HTTPConnection], deadline: _Deadline) -> type:
    class Watched(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            kwargs["timeout"] = deadline.remaining()  # connect included
            super().__init__(*args, **kwargs)
            create = self._create_connection
            self._create_connection = lambda *a, **k: deadline.watch(create(*a, **k))

    return Watched


class _WatchedHTTP(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(_connection(http.client.HTTPConnection, self.deadline), req)


class _WatchedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def https_open(self, req):
        return self.do_open(
            _connection(http.client.HTTPSConnection, self.deadline),
            req,
            context=self._context,
        )


def _get(url: str, headers: dict[str, str], limits: FetchLimits) -> tuple[int, dict, bytes]:
    with _Deadline(limits.timeout_s) as deadline:
        try:
            return _get_within(url, headers, limits, deadline)
        except FetchError:
            raise
        except Exception as err:  # a malformed answer (http.client's own errors): skip it
            if deadline.expired:  # whatever the cut socket made the reader raise
                raise FetchError(f"the feed took longer than {limits.timeout_s:g} s") from None
            raise FetchError(f"could not fetch: {type(err).__name__}: {err}") from None


def _get_within(
    url: str, headers: dict[str, str], limits: FetchLimits, deadline: _Deadline
) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener(
        _HttpOnlyRedirects(limits.max_redirects), _WatchedHTTP(deadline), _WatchedHTTPS(deadline)
    )
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=limits.timeout_s) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise FetchError(
                    f"the feed is {int(declared):,} bytes, over the {limits.max_bytes:,}-byte cap"
                )
            body = bytearray()
            while chunk := response.read(64 * 1024):
                body += chunk
                if len(body) > limits.max_bytes:
                    raise FetchError(f"the feed is over the {limits.max_bytes:,}-byte cap")
            if deadline.expired:  # cut short: what was read is not the whole feed
                raise FetchError(f"the feed took longer than {limits.timeout_s:g} s")
            return response.status, dict(response.headers), bytes(body)
    except urllib.error.HTTPError as err:
        if err.code == 304:
            return 304, dict(err.headers or {}), b""
        location = (err.headers or {}).get("Location")
        if 300 <= err.code < 400 and location:
            raise FetchError(
                f"refused a redirect to {location!r}: only http and https are fetched"
            ) from None
        raise FetchError(f"HTTP {err.code} {err.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        if isinstance(reason, FetchError):
            raise reason from None
        if deadline.expired:
            raise FetchError(f"the feed took longer than {limits.timeout_s:g} s") from None
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise FetchError(f"no answer within {limits.timeout_s:g} s") from None
        raise FetchError(f"could not fetch: {reason}") from None


def _item_record(item: RawDoc, source: FeedSource, now: dt.datetime) -> dict:
    record = {
        "title": item.title,
        "text": item.text,
        "url": item.url,
        "published": item.published,
        "outlet": item.outlet or source.name,
        "author": item.author,
        "language": item.language,
        "feed_url": source.url,
        "fetched_at": now.isoformat(),
    }
    record.update({k: v for k, v in item.extra.items() if k not in record})
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def _write_new(path: Path, record: dict) -> None:
    """Write a new file whole or not at all (a crash never leaves half an item in raw/)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh, ensure_ascii=False, indent=1)
        os.link(tmp, path)  # fails if the name exists: never overwrites
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


def _safe_name(host: str) -> str:
    name = "".join(ch if ch.isalnum() or ch in ".-" else "_" for ch in host)
    return name if name.strip(".") else "unknown-host"  # never "." or "..": a folder above


def _load_state(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _save_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
