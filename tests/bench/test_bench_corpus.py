"""The benchmark corpus: deterministic, distinct, the right length, readable by our ingestion."""

from __future__ import annotations

import hashlib
import itertools
import random
from pathlib import Path

import pytest

from pipelines.bench.corpus import (
    MAX_WORDS,
    MIN_WORDS,
    _article_slots,
    expand,
    jaccard,
    load_grammar,
    make_article,
    shingles,
    write_corpus,
)
from pipelines.ingest import read_raw_folder


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_every_template_expands():
    g = load_grammar()
    rng = random.Random(1)
    slots = _article_slots(rng, g, make_article(0).published)
    templates = [t for s in g.stories.values() for t in (*s.headlines, *s.leads, *s.details)]
    templates += [t for pool in g.shared.values() for t in pool]
    for template in templates:
        text = expand(template, rng, slots)
        assert "{" not in text and "[" not in text, template


def test_same_seed_same_files(tmp_path):
    write_corpus(tmp_path / "a", 30)
    write_corpus(tmp_path / "b", 30)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert make_article(7, seed=1).text != make_article(7, seed=2).text


def test_added_articles_are_new_files(tmp_path):
    write_corpus(tmp_path, 20)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    write_corpus(tmp_path, 3, start=20, batch="added")
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert {p: after[p] for p in before} == before  # nothing existing was touched
    assert all(p.is_relative_to(tmp_path / "added") for p in set(after) - set(before))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    raw = tmp_path_factory.mktemp("corpus")
    stats = write_corpus(raw, 60)
    return stats, read_raw_folder(raw)


def test_ingestion_reads_every_article_once(ingested):
    stats, result = ingested
    assert result.articles.height == stats.articles == 60
    assert result.errors.height == 0
    assert result.duplicates == 0
    assert set(result.articles["source_format"]) == {"txt", "html", "jsonl"}
    assert set(stats.formats) == {"txt", "txt+meta", "html", "jsonl"}
    assert set(result.articles["language"]) == {"en"}


def test_lengths_as_ingestion_counts_them(ingested):
    _, result = ingested
    counts = result.articles["word_count"]
    assert counts.min() >= MIN_WORDS and counts.max() <= MAX_WORDS


def test_html_and_text_read_back_to_the_generated_story(ingested):
    _, result = ingested
    for row in result.articles.iter_rows(named=True):
        if row["source_format"] == "jsonl":
            continue
        generated = make_article(int(Path(row["source_path"]).name[:6]))
        assert row["text"].split() == generated.text.split(), row["source_path"]
        assert row["title"] == generated.title


def test_varied_and_no_near_duplicates(ingested):
    _, result = ingested
    arts = result.articles
    assert arts["title"].n_unique() == arts.height
    assert arts["dateline"].n_unique() >= 30
    assert arts["published_date"].n_unique() >= 40
    assert len({make_article(i).story for i in range(60)}) >= 8
    # Near-duplicate detectors call two texts the same story from a 5-shingle Jaccard of about
    # 0.5; these stay far below that.
    sets = [shingles(t) for t in arts["text"]]
    worst = max(jaccard(a, b) for a, b in itertools.combinations(sets, 2))
    assert worst < 0.2
