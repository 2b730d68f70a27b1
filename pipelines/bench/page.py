"""The reading room as a reader meets it: headless Chromium opens a warehouse's
reports/index.html from file:// and times what a person waits for.

  first_view_s      navigation start to the timeline's latest days on screen
  article_s         from the timeline, one article's text in the reader
  filter_s          back on the timeline, one event-type filter applied and shown
  first_view_bytes  the files the first view read (index.html and the data scripts it loaded)

Times are taken inside the page (performance.now()), so the DevTools round trips do not
count. Without chromium, or when the page does not open, every figure is None and
`not_measured` says why: the benchmark does not depend on a browser."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from pipelines.report.browser import Browser, find_chromium

FIGURES = ("first_view_s", "article_s", "filter_s", "first_view_bytes")
TIMEOUT_S = 60.0

# The timeline view is on screen once its list holds a day (or says no event matches).
_TIMELINE_SHOWN = "document.querySelector('#days .day, #days p.muted')"
_ARTICLE_SHOWN = (
    "document.getElementById('article-text') &&"
    " document.getElementById('article-text').textContent.length > 0"
)
# Installed before the page's own script: notes when the first view appears.
_FIRST_VIEW_PROBE = f"""
new MutationObserver((_, observer) => {{
  if ({_TIMELINE_SHOWN}) {{ window.__firstView = performance.now(); observer.disconnect(); }}
}}).observe(document, {{ childList: true, subtree: true }});
"""


def not_measured(reason: str) -> dict[str, Any]:
    return dict.fromkeys(FIGURES) | {"not_measured": reason}


def measure_page(
    index: Path, profile: Path, log: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Open the room at `index` in a fresh browser profile and time three things a reader does."""
    log = log or (lambda _msg: None)
    chromium = find_chromium()
    if chromium is None:
        return not_measured("chromium is not installed (`make browser` installs it)")
    if not index.is_file():
        return not_measured(f"no reading room at {index}")
    try:
        with Browser(chromium, profile) as browser:
            return _measure(browser, index) | {"not_measured": None}
    except (OSError, RuntimeError, TimeoutError) as err:
        log(f"    the reading room could not be timed in chromium: {err}")
        return not_measured(f"chromium could not open the room: {type(err).__name__}: {err}")


def _measure(browser: Browser, index: Path) -> dict[str, Any]:
    browser.call("Page.addScriptToEvaluateOnNewDocument", session=True, source=_FIRST_VIEW_PROBE)
    browser.open(index.as_uri())
    first_view_ms = browser.wait_for("window.__firstView", timeout=TIMEOUT_S)
    read = {_path(u) for u in browser.requests() if u.startswith("file://")}
    first_view_bytes = sum(p.stat().st_size for p in read if p.is_file())
    errors = browser.js("[...document.querySelectorAll('#view .error')].map(e => e.textContent)")
    if errors:
        raise RuntimeError(f"the page shows an error: {errors[0]}")

    link = browser.js("(document.querySelector('#days a[href^=\"#/reader/\"]') || {}).hash || null")
    article_ms = (
        _timed(browser, f"location.hash = {json.dumps(link)}", _ARTICLE_SHOWN) if link else None
    )
    _timed(browser, "location.hash = '#/timeline'", _TIMELINE_SHOWN)
    facet = browser.js(
        '(document.querySelector(\'select[data-facet="t"] option[value]:not([value=""])\')'
        " || {}).value || null"
    )
    filter_ms = None
    if facet:
        select = (
            "const s = document.querySelector('select[data-facet=\"t\"]');"
            f" s.value = {json.dumps(facet)}; s.dispatchEvent(new Event('change'));"
        )
        filter_ms = _timed(browser, select, _TIMELINE_SHOWN)
    return {
        "first_view_s": round(first_view_ms / 1000, 3),
        "article_s": None if article_ms is None else round(article_ms / 1000, 3),
        "filter_s": None if filter_ms is None else round(filter_ms / 1000, 3),
        "first_view_bytes": first_view_bytes,
        "first_view_files": len(read),
    }


def _timed(browser: Browser, action: str, shown: str) -> float:
    """Milliseconds, measured in the page, from the action until a new view is shown: the
    view's root (#view's first child) is replaced and `shown` holds."""
    deadline_ms = TIMEOUT_S * 1000
    started = time.monotonic()
    value = browser.js(
        f"""(async () => {{
          const old = document.getElementById('view').firstElementChild;
          const t0 = performance.now();
          {action}
          while (performance.now() - t0 < {deadline_ms}) {{
            const now = document.getElementById('view').firstElementChild;
            if (now !== old && ({shown})) return performance.now() - t0;
            await new Promise((r) => setTimeout(r, 2));
          }}
          return null;
        }})()""",
        timeout=TIMEOUT_S + 5,
    )
    if value is None:
        raise TimeoutError(f"no new view {time.monotonic() - started:.0f} s after: {action}")
    return float(value)


def _path(url: str) -> Path:
    return Path(url2pathname(urlparse(url).path))
