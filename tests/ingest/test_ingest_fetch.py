"""The feed fetcher against a real HTTP server that the test starts on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from pipelines.defs.ingest import fetched_feed_items
from pipelines.defs.resources import EventwireSettings, build_resources
from pipelines.errors import SourcesError
from pipelines.ingest import read_raw_folder
from pipelines.ingest.fetch import FeedSource, FetchLimits, fetch_feeds, load_sources
from tests.helpers import INGEST_FIXTURES

FEED = INGEST_FIXTURES / "formats" / "meridian-wire.rss"
NOW = dt.datetime(2025, 11, 25, 12, tzinfo=dt.UTC)
FAST = FetchLimits(timeout_s=0.5, max_bytes=64 * 1024, per_host_delay_s=0.0)


class FeedServer(BaseHTTPRequestHandler):
    requests: list[tuple[str, float, dict]]  # (path, time, headers) per request, shared

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self.requests.append((self.path, time.monotonic(), dict(self.headers)))
        if self.path == "/feed.rss":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            body = FEED.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", '"v1"')
            self.send_header("Last-Modified", "Mon, 03 Nov 2025 10:00:00 GMT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/huge.rss":
            self.send_response(200)
            self.end_headers()  # no Content-Length: the cap must hold while reading
            self.wfile.write(b"<rss>" + b" " * (200 * 1024))
        elif self.path == "/slow.rss":
            time.sleep(1.0)
            self.send_response(200)
            self.end_headers()
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/hostname")
            self.end_headers()
        elif self.path == "/not-a-feed":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html><body>Hello</body></html>")
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)  # the server is local: talk to it directly
    handler = type("Handler", (FeedServer,), {"requests": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.requests
    httpd.shutdown()
    httpd.server_close()


def test_new_items_land_in_raw_and_a_second_fetch_is_conditional(server, tmp_path):
    base, requests = server
    sources = [FeedSource("Meridian Wire", f"{base}/feed.rss")]
    first = fetch_feeds(sources, tmp_path, limits=FAST, now=NOW)
    assert [(r.status, r.items_seen, r.items_new) for r in first] == [("new_items", 2, 2)]
    landed = sorted((tmp_path / "fetched" / "127.0.0.1").glob("*.json"))
    assert len(landed) == 2
    record = json.loads(landed[0].read_text())
    assert record["feed_url"] == f"{base}/feed.rss"
    assert record["fetched_at"] == NOW.isoformat()
    before = {p: p.read_bytes() for p in landed}

    second = fetch_feeds(sources, tmp_path, limits=FAST, now=NOW)
    assert [(r.status, r.items_new) for r in second] == [("not_modified", 0)]
    assert requests[-1][2]["If-None-Match"] == '"v1"'
    assert requests[-1][2]["If-Modified-Since"] == "Mon, 03 Nov 2025 10:00:00 GMT"
    assert {p: p.read_bytes() for p in landed} == before  # landed files are never rewritten

    # The landed items are ordinary inputs: read with their metadata, the state file is not.
    result = read_raw_folder(tmp_path, now=NOW)
    assert result.files_seen == 2 and result.accounting.adds_up
    row = result.articles.filter(result.articles["title"].str.starts_with("Port strike"))
    row = row.row(0, named=True)
    assert (row["outlet"], row["author"]) == ("Meridian Wire", "Thandi Mokoena")
    assert row["url"] == "https://meridian.example/africa/durban-strike"
    assert row["published_date"] == dt.date(2025, 11, 3)
    assert json.loads(row["metadata"])["feed_url"] == f"{base}/feed.rss"


def test_failures_are_reported_and_the_other_feeds_still_fetched(server, tmp_path):
    base, _ = server
    names = ["huge.rss", "slow.rss", "to-file", "missing.rss", "not-a-feed", "feed.rss"]
    sources = [FeedSource(n, f"{base}/{n}") for n in names]
    reports = {r.source: r for r in fetch_feeds(sources, tmp_path, limits=FAST, now=NOW)}
    assert "cap" in reports["huge.rss"].message
    assert "0.5 s" in reports["slow.rss"].message
    assert "only http and https" in reports["to-file"].message
    assert "HTTP 404" in reports["missing.rss"].message
    assert "not an RSS or Atom feed" in reports["not-a-feed"].message
    assert all(reports[n].status == "error" for n in names[:-1])
    assert reports["feed.rss"].items_new == 2


def test_requests_to_one_host_are_spaced(server, tmp_path):
    base, requests = server
    sources = [FeedSource(f"f{i}", f"{base}/missing-{i}.rss") for i in range(3)]
    limits = FetchLimits(timeout_s=1.0, max_bytes=1024, per_host_delay_s=0.3)
    fetch_feeds(sources, tmp_path, limits=limits, now=NOW)
    times = [t for _, t, _ in requests]
    assert len(times) == 3
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.29


def test_sources_file_allows_only_http_and_https(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("feeds:\n  - {name: Wire, url: 'https://wire.example/rss'}\n")
    assert load_sources(path) == [FeedSource("Wire", "https://wire.example/rss")]
    for bad in ("file:///etc/passwd", "ftp://wire.example/rss", "wire.example/rss"):
        path.write_text(f"feeds:\n  - {{url: '{bad}'}}\n")
        with pytest.raises(SourcesError, match="not an http or https URL"):
            load_sources(path)
    path.write_text("feeds: []\n")
    with pytest.raises(SourcesError, match="non-empty list"):
        load_sources(path)


def test_asset_is_off_unless_configured(server, tmp_path, monkeypatch):
    base, requests = server
    monkeypatch.delenv("EVENTWIRE_SOURCES", raising=False)
    raw = tmp_path / "raw"
    raw.mkdir()
    resources = build_resources(EventwireSettings(raw_dir=str(raw), warehouse_dir=str(tmp_path)))
    off = dg.materialize([fetched_feed_items], resources=resources)
    [mat] = off.asset_materializations_for_node("fetched_feed_items")
    assert mat.metadata["configured"].value is False
    assert not requests and not any(raw.iterdir())

    sources = tmp_path / "sources.yaml"
    sources.write_text(f"feeds:\n  - {{name: Meridian Wire, url: '{base}/feed.rss'}}\n")
    on = dg.materialize(
        [fetched_feed_items],
        resources=resources,
        run_config={"ops": {"fetched_feed_items": {"config": {"sources_file": str(sources)}}}},
    )
    [mat] = on.asset_materializations_for_node("fetched_feed_items")
    assert mat.metadata["items_new"].value == 2
    assert len(list((raw / "fetched" / "127.0.0.1").glob("*.json"))) == 2
