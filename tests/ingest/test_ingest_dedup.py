"""Exact and near-duplicate articles, on a wire story republished by three outlets
(tests/fixtures/ingest/neardup) and an outlet's own report of the same floods."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil

import polars as pl

from pipelines.ingest import read_raw_folder
from pipelines.ingest.dedup import THRESHOLD, group_near_duplicates, jaccard, shingles
from pipelines.ingest.incremental import read_raw_incremental
from tests.helpers import INGEST_FIXTURES

NEARDUP = INGEST_FIXTURES / "neardup"
NOW = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
COPIES = ["mekong-meridian.txt", "mekong-harbor-post.txt", "mekong-atlas.json"]


def _by_path(result) -> dict[str, dict]:
    return {r["source_path"]: r for r in result.articles.iter_rows(named=True)}


def test_republished_wire_story_points_at_the_earliest_copy(tmp_path):
    shutil.copytree(NEARDUP, tmp_path / "raw")
    result = read_raw_folder(tmp_path / "raw", now=NOW)
    rows = _by_path(result)
    original = rows["mekong-meridian.txt"]  # published Oct 14; the others Oct 15
    assert original["duplicate_of"] is None
    assert rows["mekong-harbor-post.txt"]["duplicate_of"] == original["article_id"]
    assert rows["mekong-atlas.json"]["duplicate_of"] == original["article_id"]
    assert sorted(original["outlets"]) == ["Atlas News Agency", "Harbor Post", "Meridian Wire"]
    # Every copy stays a row of its own, with its outlet and URL.
    assert rows["mekong-atlas.json"]["outlets"] == ["Atlas News Agency"]
    # Harbor Post's own reporting on the same floods is a different article.
    assert rows["mekong-own-report.txt"]["duplicate_of"] is None
    assert result.near_duplicates == 2
    assert result.accounting.adds_up


def test_threshold_separates_copies_from_other_reports_of_the_same_event(tmp_path):
    texts = read_raw_folder(NEARDUP, now=NOW).articles.select("source_path", "text").rows()
    sets = {path: shingles(text) for path, text in texts}
    copies = [jaccard(sets[a], sets[b]) for a, b in itertools.combinations(COPIES, 2)]
    others = [jaccard(sets["mekong-own-report.txt"], sets[c]) for c in COPIES]
    # measured: copies 0.63-0.92 (a trimmed paragraph, a changed word, a line added);
    # the independent report shares no 5-word run with them at all.
    assert min(copies) >= 0.6 and min(copies) >= THRESHOLD
    assert max(others) < 0.2


def test_exact_copy_is_stored_once_and_its_outlet_and_path_kept(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(NEARDUP, raw)
    body = (raw / "mekong-meridian.txt").read_text()
    (raw / "reposted").mkdir()
    same_words = body.replace("\n\n", "\n \n\n").replace(" the ", "  the ")
    (raw / "reposted" / "copy.txt").write_text(same_words)  # only the white space differs
    (raw / "reposted" / "copy.meta.json").write_text('{"outlet": "Northline Press"}')
    result = read_raw_folder(raw, now=NOW)
    rows = _by_path(result)
    assert "reposted/copy.txt" not in rows
    original = rows["mekong-meridian.txt"]
    assert original["duplicate_sources"] == ["reposted/copy.txt"]
    assert "Northline Press" in original["outlets"]
    assert result.duplicates == 1
    assert result.duplicate_of == {"reposted/copy.txt": "mekong-meridian.txt"}
    assert result.accounting.files_duplicate == 1
    assert result.accounting.adds_up


def test_ties_go_to_the_first_in_the_batch_and_runs_agree(tmp_path):
    story = (NEARDUP / "mekong-meridian.txt").read_text()
    edited = story.replace("more than 20,000", "over 20,000").replace("Thursday", "Friday")
    texts = [story, edited, story.replace("pagodas", "temples")]
    order = [(False, dt.date(2025, 10, 14), i) for i in range(3)]
    assert group_near_duplicates(texts, order) == {1: 0, 2: 0}
    assert group_near_duplicates(texts, order) == group_near_duplicates(texts, order)
    later_first = [(False, dt.date(2025, 10, 15), 0), *order[1:]]
    assert group_near_duplicates(texts, later_first) == {0: 1, 2: 1}


def test_short_texts_are_never_near_duplicates():
    a = "Police arrested 12 protesters in Nairobi on Tuesday, officials said."
    b = "Police arrested 12 protesters in Nairobi on Monday, officials said."
    assert group_near_duplicates([a, b], [(False, None, 0), (False, None, 1)]) == {}


def test_a_folder_of_only_short_articles_is_read_and_read_again(tmp_path):
    # None of them is long enough for a near-duplicate signature: the memo saves none.
    raw = tmp_path / "raw"
    raw.mkdir()
    for n in range(4):
        (raw / f"brief-{n}.txt").write_text(f"Police detained {n + 2} people in the port city.")
    first = read_raw_incremental(raw, tmp_path / "state")
    again = read_raw_incremental(raw, tmp_path / "state")
    assert first.result.articles.height == again.result.articles.height == 4
    assert again.files_read == 0


def test_articles_frame_has_the_dedup_columns(tmp_path):
    df = read_raw_folder(NEARDUP, now=NOW).articles
    assert df.schema["outlets"] == pl.List(pl.String)
    assert df.schema["duplicate_sources"] == pl.List(pl.String)
    assert df["duplicate_of"].null_count() == 2


def test_pairs_equal_comparing_every_pair_exactly():
    # Generated articles of our own (they share the corpus's stock phrases, so many pairs are
    # LSH candidates) and copies edited from a few words to half the text: the pairs found must
    # be exactly those a comparison of every pair's shingle sets finds.
    import random

    from pipelines.bench.corpus import make_article
    from pipelines.ingest.dedup import near_duplicate_pairs

    rng = random.Random(11)
    texts = [make_article(i).text for i in range(60)]
    for original in rng.sample(texts, 30):
        words = original.split()
        for _ in range(rng.choice([1, 10, 40, 90, 160])):
            words[rng.randrange(len(words))] = rng.choice(["the", "officials", "said", "troops"])
        if rng.random() < 0.5:
            words = words[: int(len(words) * rng.uniform(0.5, 0.95))]
        texts.append(" ".join(words))
    texts += ["too short to compare", ""]
    sets = [shingles(t) for t in texts]
    expected = []
    for i, j in itertools.combinations(range(len(texts)), 2):
        if len(texts[i].split()) >= 25 and len(texts[j].split()) >= 25:
            score = jaccard(sets[i], sets[j])
            if score >= THRESHOLD:
                expected.append((i, j, round(score, 4)))
    found = near_duplicate_pairs(texts)
    assert 10 <= len(expected) < 30  # the edits put copies on both sides of the threshold
    assert any(s < 0.7 for *_, s in expected)
    assert found == expected
