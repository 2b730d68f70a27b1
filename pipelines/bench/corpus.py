"""A deterministic corpus of synthetic wire stories for the benchmark, in the formats users bring.

Article i depends only on (seed, i): a corpus of N is the first N articles of any larger one, and
"1% more" is articles N, N+1, ... written as new files. Stories are assembled from the grammar in
corpus.yaml (our own templates); no text comes from real articles. Each article is 400 to 900
words, with its own country, people, groups, dates and numbers, so no two are near-duplicates.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipelines.errors import CorpusError

GRAMMAR_FILE = Path(__file__).with_name("corpus.yaml")
DEFAULT_SEED = 20251125
MIN_WORDS, MAX_WORDS = 400, 900
JSONL_RECORDS_PER_FILE = 50
FIRST_DATE = dt.date(2024, 1, 1)
DATE_SPAN_DAYS = 700

_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")
_MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
_SHARED_ROLES = ("quotes", "attribution", "reactions", "background", "outlook", "economy")
# Where article i goes, by i % 20: the mix of formats stays the same in any window of articles.
_FORMAT_BY_SLOT = ["txt+meta"] * 5 + ["txt"] * 4 + ["html"] * 4 + ["jsonl"] * 7


@dataclass(frozen=True)
class Story:
    headlines: tuple[str, ...]
    leads: tuple[str, ...]
    details: tuple[str, ...]


@dataclass(frozen=True)
class Grammar:
    data: dict[str, Any]
    stories: dict[str, Story]
    shared: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Article:
    index: int
    fmt: str  # txt+meta, txt, html or jsonl
    title: str
    outlet: str
    published: dt.date
    url: str
    text: str  # dateline and body, paragraphs separated by a blank line
    words: int
    story: str


@dataclass
class CorpusStats:
    articles: int = 0
    words: int = 0
    files: int = 0
    formats: Counter = field(default_factory=Counter)


@functools.cache
def load_grammar(path: Path = GRAMMAR_FILE) -> Grammar:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping at the top level")

    def strings(value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise CorpusError(f"{path}: {where} must be a non-empty list of strings")
        return tuple(value)

    stories = {}
    for name, story in (data.get("stories") or {}).items():
        if not isinstance(story, dict):
            raise CorpusError(f"{path}: stories.{name} must be a mapping")
        stories[name] = Story(
            *(
                strings(story.get(k), f"stories.{name}.{k}")
                for k in ("headlines", "leads", "details")
            )
        )
    if not stories:
        raise CorpusError(f"{path}: no stories")
    shared = {role: strings((data.get("shared") or {}).get(role), role) for role in _SHARED_ROLES}
    for key in ("outlets", "unions", "parties", "organizations", "institutes", "agencies"):
        strings(data.get(key), key)
    for key in ("government_titles", "civil_roles", "witness_roles", "analyst_roles"):
        strings(data.get(key), key)
    for i, c in enumerate(data.get("countries") or []):
        missing = {"name", "demonym", "capital", "region", "regions", "towns"} - set(c)
        if missing or c["region"] not in (data.get("people") or {}):
            raise CorpusError(f"{path}: countries[{i}] is missing {missing or 'a known region'}")
    if len(data.get("countries") or []) < 2:
        raise CorpusError(f"{path}: at least two countries are needed")
    return Grammar(data, stories, shared)


def expand(template: str, rng: random.Random, slots: dict[str, Any]) -> str:
    """Pick one of each [a|b|c], then fill each {slot}: a string, or a callable drawn each time."""
    text = _ALTERNATIVES.sub(lambda m: rng.choice(m.group(1).split("|")), template)

    def fill(m: re.Match[str]) -> str:
        try:
            value = slots[m.group(1)]
        except KeyError:
            raise CorpusError(f"unknown slot {{{m.group(1)}}} in {template!r}") from None
        return value(rng) if callable(value) else value

    return _SLOT.sub(fill, text)


def _sentence(template: str, rng: random.Random, slots: dict[str, Any]) -> str:
    s = expand(template, rng, slots)
    return s[:1].upper() + s[1:]


def _count(rng: random.Random, low: int, high: int) -> str:
    n = rng.randint(low, high)
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) and rng.random() < 0.35 else str(n)


def _money(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        return f"${rng.randint(2, 950)} million"
    if kind < 0.7:
        return f"${rng.randint(11, 98) / 10:.1f} billion"
    if kind < 0.9:
        return f"{rng.randint(3, 600)} million euros"
    return f"${rng.randint(120, 990) * 1000:,}"


def _number_slots() -> dict[str, Any]:
    return {
        "n": lambda r: _count(r, 3, 90),
        "n2": lambda r: _count(r, 2, 60),
        "n_small": lambda r: _NUMBER_WORDS[r.randint(2, 9)],
        "n_big": lambda r: str(r.randint(100, 950)),
        "n_thousands": lambda r: f"{r.randint(12, 480) * 100:,}",
        "money": _money,
        "pct": lambda r: f"{r.randint(5, 390) / 10:g} percent",
        "age": lambda r: str(r.randint(21, 78)),
        "km": lambda r: str(r.randint(5, 180)),
    }


def _article_slots(rng: random.Random, g: Grammar, published: dt.date) -> dict[str, Any]:
    d = g.data
    c1, c2 = rng.sample(d["countries"], 2)
    region, region2 = rng.sample(c1["regions"], 2)
    town, town2 = rng.sample(c1["towns"], 2)
    orgs = rng.sample(d["organizations"], 2)
    used: set[str] = set()

    def person(country: dict) -> tuple[str, str]:
        names = d["people"][country["region"]]
        while True:
            first, last = rng.choice(names["first"]), rng.choice(names["last"])
            if last not in used:  # one family name per person, so "Diallo said" is unambiguous
                used.add(last)
                return f"{first} {last}", last

    armed = d["armed_group_parts"]
    slots: dict[str, Any] = {
        "country": c1["name"],
        "demonym": c1["demonym"],
        "capital": c1["capital"],
        "region": region,
        "region2": region2,
        "town": town,
        "town2": town2,
        "country2": c2["name"],
        "demonym2": c2["demonym"],
        "capital2": c2["capital"],
        "outlet": rng.choice(d["outlets"]),
        "armed_group": f"the {rng.choice(armed['first'])} {rng.choice(armed['second'])}",
        "union": rng.choice(d["unions"]),
        "party": rng.choice(d["parties"]),
        "org": orgs[0],
        "org2": orgs[1],
        "institute": rng.choice(d["institutes"]),
        "agency": rng.choice(d["agencies"]),
        "year_past": lambda r: str(r.randint(published.year - 15, published.year - 2)),
        **_number_slots(),
    }
    event_day = published - dt.timedelta(days=rng.choice([0, 0, 1, 1, 2]))
    next_date = published + dt.timedelta(days=rng.randint(4, 45))
    slots.update(
        weekday=_WEEKDAYS[event_day.weekday()],
        weekday_prev=_WEEKDAYS[(event_day.weekday() - rng.randint(1, 3)) % 7],
        weekday_next=_WEEKDAYS[(event_day.weekday() + rng.randint(1, 3)) % 7],
        month=_MONTHS[published.month - 1],
        prev_month=_MONTHS[published.month - 2],
        next_month=_MONTHS[published.month % 12],
        next_date=f"{_MONTHS[next_date.month - 1]} {next_date.day}",
    )
    name, last = person(c1)
    slots.update(p1_full=f"{rng.choice(d['government_titles'])} {name}", p1=last)
    slots["p1_role"] = f"{last}'s office"
    for key, pool, country in (
        ("p2", "civil_roles", c1),
        ("p4", "witness_roles", c1),
        ("p5", "analyst_roles", c2),
        ("official", "government_roles", c1),
    ):
        name, last = person(country)
        role = expand(rng.choice(d[pool]), rng, slots)
        slots[f"{key}_full"] = f"{name}, {role}"
        slots[key] = last
    name, last = person(rng.choice(d["countries"]))
    org_role = rng.choice(["the head of", "a spokesperson for", "the country director of"])
    slots.update(p3_name=name, p3=last, p3_full=f"{name}, {org_role} {orgs[0]} in {c1['name']}")
    slots["p6_name"] = person(c2)[0]
    slots["commander"] = person(c1)[0]
    return slots


def make_article(index: int, seed: int = DEFAULT_SEED) -> Article:
    """Article `index` of the corpus `seed`: the same text on every machine and every run."""
    g = load_grammar()
    rng = random.Random(f"eventwire-bench:{seed}:{index}")
    published = FIRST_DATE + dt.timedelta(days=rng.randrange(DATE_SPAN_DAYS))
    slots = _article_slots(rng, g, published)
    story_name = rng.choice(sorted(g.stories))
    story = g.stories[story_name]
    title = _sentence(rng.choice(story.headlines), rng, slots)

    place = rng.choice([slots["town"], slots["capital"]])
    dateline = place.upper()
    if rng.random() < 0.3:
        dateline += f", {slots['country']}"
    month = published.strftime("%b") + rng.choice(["", "."])
    if rng.random() < 0.85:
        dateline += f", {month} {published.day}" + (
            f", {published.year}" if rng.random() < 0.5 else ""
        )
    dateline += f" ({slots['outlet']}) " + rng.choice(["-", "—", "–"]) + " "

    target = rng.randint(MIN_WORDS + 20, MAX_WORDS - 20)
    paragraphs = [dateline + _sentence(rng.choice(story.leads), rng, slots)]
    words = len(paragraphs[0].split())
    pools = {"details": list(story.details)} | {r: list(g.shared[r]) for r in _SHARED_ROLES}
    for pool in pools.values():
        rng.shuffle(pool)
    while words < target:
        live = [r for r, pool in pools.items() if pool]
        if not live:
            break
        role = "details" if "details" in live and rng.random() < 0.45 else rng.choice(live)
        sentences = []
        for _ in range(1 if role == "quotes" else rng.choice([1, 1, 2])):
            if not pools[role]:
                break
            s = _sentence(pools[role].pop(), rng, slots)
            if words + len(s.split()) > MAX_WORDS:
                break
            sentences.append(s)
            words += len(s.split())
        if not sentences:
            break
        paragraphs.append(" ".join(sentences))
    slug = _slug(title)
    outlet_slug = _slug(slots["outlet"])
    url = f"https://example.org/{outlet_slug}/{published:%Y/%m/%d}/{slug}-{index}"
    return Article(
        index=index,
        fmt=_FORMAT_BY_SLOT[index % len(_FORMAT_BY_SLOT)],
        title=title,
        outlet=slots["outlet"],
        published=published,
        url=url,
        text="\n\n".join(paragraphs),
        words=words,
        story=story_name,
    )


def _slug(text: str, max_words: int = 7) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:max_words])


def write_corpus(
    raw_dir: Path | str,
    count: int,
    *,
    start: int = 0,
    seed: int = DEFAULT_SEED,
    batch: str = "base",
) -> CorpusStats:
    """Write articles start .. start+count-1 as new files under raw_dir/batch/."""
    root = Path(raw_dir) / batch
    stats = CorpusStats()
    jsonl: list[Article] = []
    for index in range(start, start + count):
        article = make_article(index, seed)
        stats.articles += 1
        stats.words += article.words
        stats.formats[article.fmt] += 1
        if article.fmt == "jsonl":
            jsonl.append(article)
            continue
        stats.files += _write_file(root, article)
    for k in range(0, len(jsonl), JSONL_RECORDS_PER_FILE):
        chunk = jsonl[k : k + JSONL_RECORDS_PER_FILE]
        path = root / "jsonl" / f"{batch}-{chunk[0].index:06d}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(_json_record(a), ensure_ascii=False) for a in chunk]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        stats.files += 1
    return stats


def _write_file(root: Path, a: Article) -> int:
    name = f"{a.index:06d}-{_slug(a.title, 5)}"
    if a.fmt == "html":
        path = root / "html" / f"{name}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html_page(a), encoding="utf-8")
        return 1
    path = root / "txt" / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    # A headline line first, as wire copy pasted from an email; the sidecar says it is the title.
    path.write_text(f"{a.title}\n\n{a.text}\n", encoding="utf-8")
    if a.fmt == "txt+meta":
        meta = {
            "title": a.title,
            "outlet": a.outlet,
            "url": a.url,
            "published": a.published.isoformat(),
            "language": "en",
        }
        path.with_name(f"{name}.meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return 2
    return 1


def _json_record(a: Article) -> dict[str, Any]:
    """Three shapes seen in real dumps: our own, NewsAPI-like, and a scraper's."""
    stamp = f"{a.published.isoformat()}T{6 + a.index % 14:02d}:{a.index % 60:02d}:00Z"
    shape = a.index % 3
    if shape == 0:
        return {
            "title": a.title,
            "text": a.text,
            "url": a.url,
            "published": a.published.isoformat(),
            "outlet": a.outlet,
            "language": "en",
        }
    if shape == 1:
        return {
            "source": {"id": None, "name": a.outlet},
            "title": a.title,
            "url": a.url,
            "publishedAt": stamp,
            "body": a.text,
        }
    return {"title": a.title, "content": a.text, "link": a.url, "date": stamp, "source": a.outlet}


def html_page(a: Article) -> str:
    """A news page with the chrome readers must drop: menus, a cookie banner, related links."""
    e = html.escape
    stamp = f"{a.published.isoformat()}T09:{a.index % 60:02d}:00Z"
    body = "\n".join(f"        <p>{e(p)}</p>" for p in a.text.split("\n\n"))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(a.title)} | {e(a.outlet)}</title>
  <meta property="og:type" content="article">
  <meta property="og:title" content="{e(a.title)}">
  <meta property="og:site_name" content="{e(a.outlet)}">
  <meta property="article:published_time" content="{stamp}">
  <link rel="canonical" href="{e(a.url)}">
</head>
<body>
  <header>
    <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a>
      <a href="/politics">Politics</a> <a href="/subscribe">Subscribe</a></nav>
  </header>
  <div class="cookie-banner" role="dialog">
    <p>We use cookies to measure traffic and improve your experience.</p>
    <button type="button">Accept all</button>
  </div>
  <main>
    <article class="story">
      <header class="story-header">
        <h1>{e(a.title)}</h1>
        <div class="byline">By {e(a.outlet)} staff <time datetime="{stamp}">{a.published:%B %d, %Y}</time></div>
      </header>
      <div class="share-buttons"><a href="https://example.org/share?u={e(a.url)}">Share</a>
        <button type="button">Copy link</button></div>
      <div class="story-body">
{body}
      </div>
    </article>
    <aside class="related">
      <h2>Read more</h2>
      <ul><li><a href="/world/latest">Latest world news</a></li>
        <li><a href="/politics/analysis">Analysis and opinion</a></li></ul>
    </aside>
  </main>
  <footer><p>© {a.published.year} {e(a.outlet)}. All rights reserved.</p></footer>
</body>
</html>
"""


def shingles(text: str, size: int = 5) -> set[str]:
    """Word 5-shingles, the usual unit of near-duplicate detection."""
    words = re.findall(r"\w+", text.casefold())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
