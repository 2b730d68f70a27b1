"""A reader's document made an articles row: text cleaned, headline and dateline split off,
publication date and language decided, article_id from the text."""

from __future__ import annotations

import datetime as dt

import dateparser

from pipelines import MAX_ARTICLE_CHARS
from pipelines.errors import IngestError
from pipelines.ingest import clean
from pipelines.ingest.language import choose_language
from pipelines.ingest.readers import RawDoc

MIN_ARTICLE_WORDS = 5  # fewer is a caption, a menu or an empty page, not something to code


def article_row(doc: RawDoc, source_path: str, now: dt.datetime) -> dict:
    text = clean.drop_chrome(clean.normalize_text(doc.text))
    title = clean.normalize_text(doc.title) if doc.title else None
    headline, body = clean.split_headline(text, title)
    title = title or headline
    words = len(body.split())
    if words < MIN_ARTICLE_WORDS or not any(ch.isalpha() for ch in body):
        raise IngestError(
            "no_article_text",
            f"only {words} words left after removing the headline and page chrome "
            f"(an article needs at least {MIN_ARTICLE_WORDS})",
        )
    if len(body) > MAX_ARTICLE_CHARS:
        raise IngestError(
            "too_large",
            f"the article text is {len(body):,} characters, over the {MAX_ARTICLE_CHARS:,} "
            "the parser takes in one article; split it into several files",
        )
    dateline = clean.parse_dateline(body)

    published, published_source = _parse_date(doc.published), "none"
    if published:
        published_source = "html_meta" if doc.published_from_page else "metadata"
    elif dateline and dateline.date_text:
        published = clean.dateline_date(dateline.date_text, now.date())
        published_source = "dateline" if published else "none"

    language, notes = choose_language(body, doc.language)
    outlet = doc.outlet or (dateline.outlet if dateline else None)
    return {
        "article_id": clean.article_id(body),
        "source_path": source_path,
        "source_record": doc.record,
        "source_format": doc.source_format,
        "url": doc.url,
        "outlet": outlet,
        "outlets": [outlet] if outlet else [],
        "author": doc.author,
        "title": title,
        "dateline": dateline.place if dateline else None,
        "published_date": published,
        "published_source": published_source,
        "body_start": dateline.end if dateline else 0,
        "language": language,
        "text": body,
        "word_count": words,
        "duplicate_of": None,
        "duplicate_sources": [],
        "metadata": {**doc.extra, **notes},
        "ingested_at": now,
    }


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    # Absolute dates only: "2 hours ago" in a dump would resolve against today's clock.
    parsed = dateparser.parse(
        value,
        settings={
            "PREFER_DAY_OF_MONTH": "first",
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
        },
    )
    return parsed.date() if parsed else None
