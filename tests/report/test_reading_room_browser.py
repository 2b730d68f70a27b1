"""The reading room in a real browser: headless Chromium opens the page the shipped raw/ folder's
run wrote, from file://, and the test checks what a person would see. One browser for every
check (a launch costs about a second); screenshots of the timeline, the reader and the sources
view are kept (their folder is printed)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from pipelines.report import ROOM_INDEX
from pipelines.report.browser import Browser, find_chromium


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("chromium is not installed: `make browser` installs it (as root)")
    with Browser(chromium, tmp_path_factory.mktemp("chromium-profile")) as b:
        yield b


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = os.environ.get("EVENTWIRE_SCREENSHOTS")
    out = Path(folder) if folder else tmp_path_factory.mktemp("reading-room-screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _select(browser: Browser, facet: str, key: str) -> None:
    browser.js(
        f"(() => {{ const s = document.querySelector('select[data-facet={json.dumps(facet)}]');"
        f" s.value = {json.dumps(key)}; s.dispatchEvent(new Event('change')); }})()"
    )


def _marked(browser: Browser, row: str) -> str:
    """The text marked for one row in the reader (its pieces joined)."""
    return browser.js(
        "[...document.querySelectorAll('#article-text [data-rows]')]"
        f".filter(el => el.dataset.rows.split(' ').includes({json.dumps(row)}))"
        ".map(el => el.textContent).join('')"
    )


def test_what_a_person_sees(shipped_run, seed, tables, browser, screenshots, capsys):
    _, warehouse = shipped_run
    index = warehouse / ROOM_INDEX
    assert index.is_file()
    article = seed["articles"].row(0, named=True)
    events, claims, quantities = seed["events"], seed["claims"], seed["quantities"]

    # 1. The timeline: every day's events, then one actor pair's, which include the seed's.
    browser.open(index.as_uri())
    browser.wait_for("document.querySelectorAll('.card').length > 0")
    summary = browser.js("document.getElementById('summary').textContent")
    assert f"{tables['articles'].height} articles" in summary
    assert f"{tables['claims'].height} claims" in summary
    before = browser.js("document.querySelectorAll('.card').length")
    pair_event = events.filter(
        pl.col("actor1_id").is_not_null() & pl.col("actor2_id").is_not_null()
    ).row(0, named=True)
    key = f"p:{pair_event['actor1_id']}|{pair_event['actor2_id']}"
    _select(browser, "p", key)
    cluster = pair_event["cluster_id"]
    browser.wait_for(
        f"document.querySelector('.card[data-cluster={json.dumps(cluster)}]') !== null"
    )
    facets = browser.js("[...document.querySelectorAll('.card')].map(c => c.dataset.f)")
    assert facets and all(key in f.split(" ") for f in facets)
    assert len(facets) != before
    card = browser.js(
        f"document.querySelector('.card[data-cluster={json.dumps(cluster)}]').innerText"
    )
    assert pair_event["trigger"] in card and pair_event["event_type"] in card
    assert "Sourcing:" in card and article["title"] in card
    browser.screenshot(screenshots / "timeline.png")

    # 2. The reader: the seed article with each row's span marked, exactly its text.
    browser.js(f"location.hash = '#/reader/{article['article_id']}'")
    browser.wait_for("document.querySelectorAll('#article-text [data-rows]').length > 0")
    assert browser.js("document.getElementById('article-text').textContent") == article["text"]
    for e in events.iter_rows(named=True):
        assert _marked(browser, f"e:{e['event_id']}") == e["trigger"]
    for c in claims.iter_rows(named=True):
        assert _marked(browser, f"c:{c['claim_id']}") == c["cue"]
        if c["content"] and c["content_end"] > c["content_start"]:
            assert _marked(browser, f"t:{c['claim_id']}") == c["content"]
    for q in quantities.iter_rows(named=True):
        assert _marked(browser, f"q:{q['quantity_id']}") == q["text"]
    # Selecting an event shows its row.
    chosen = events.filter(pl.col("claim_id").is_not_null()).row(0, named=True)
    browser.js(
        "[...document.querySelectorAll('#article-text .k-e')]"
        f".find(el => el.dataset.rows.split(' ')[0] === 'e:{chosen['event_id']}'"
        f" || el.dataset.rows.split(' ').includes('e:{chosen['event_id']}')).click()"
    )
    detail = browser.wait_for(
        f"document.getElementById('detail').innerText.includes('{chosen['event_id']}')"
        " && document.getElementById('detail').innerText"
    )
    for value in (chosen["event_type"], chosen["modality"], chosen["extractor_version"]):
        assert value in detail
    assert "show its claim" in detail
    browser.screenshot(screenshots / "reader.png")

    # 3. Sources: the seed's speakers, on the record or not, and the anonymous-only events.
    browser.js("location.hash = '#/sources'")
    browser.wait_for("document.querySelectorAll('.speaker').length > 0")
    sources = browser.js("document.getElementById('view').innerText")
    assert f"{tables['claims'].height} claims" in sources
    assert "Events that rest only on anonymous sources" in sources
    assert "Claims that contradict each other" in sources
    named = claims.filter(~pl.col("anonymous") & pl.col("speaker_text").is_not_null())
    assert any(s in sources for s in named["speaker_text"])
    browser.screenshot(screenshots / "sources.png")

    # 4. What is new: the first room of this warehouse, so every article is new.
    browser.js("location.hash = '#/new'")
    new = browser.wait_for(
        "document.getElementById('new-counts') && document.getElementById('new-counts').innerText"
    )
    assert new.startswith(f"{tables['articles'].height} new article(s)")

    # 5. The map: outlines and a dot per place.
    browser.js("location.hash = '#/map'")
    assert browser.wait_for("document.querySelectorAll('svg.map circle.dot').length") > 0
    assert browser.js("document.querySelectorAll('svg.map path.land').length") > 100

    # Nothing left the machine, and the page raised nothing.
    requests = browser.requests()
    assert requests and all(u.startswith("file://") for u in requests), requests
    assert browser.exceptions() == []
    with capsys.disabled():
        print(f"\nreading room screenshots: {screenshots}")
