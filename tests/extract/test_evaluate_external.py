"""The external-data scorers (make eval-external) on tiny fixtures written for these tests,
in PLV's TSV and PolNeAR's brat formats; no pipeline run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipelines.evaluate_external import __main__ as cli
from pipelines.evaluate_external import plv, polnear
from pipelines.evaluate_external.data import ENV_VAR, DataMissing, locate_data
from pipelines.evaluate_external.run import article_of_file, why_not_extracted
from pipelines.evaluate_external.text import locate, overlap_f1, shares_word

REPO = Path(__file__).resolve().parents[2]

PLV_TSV = (
    "\tsentence_id\tsentence\tsource\ttarget\tgold_root\n"
    "0\t1\tThe Ruritanian army shelled villages near Zenda.\tThe Ruritanian army\tvillages\tASSAULT\n"
    "1\t2\tMinister Vell conceded the harbour to Ostland.\tMinister Vell\tOstland\tYIELD\n"
    "2\t3\tMinister Vell conceded the harbour to Ostland.\tOstland\tMinister Vell\tAGREE\n"
    "3\t4\tThe council met quietly.\tThe council\tthe guild\tCONSULT\n"
)


def _event(etype, a1=None, a2=None, a1_id=None, start=0, root=None):
    return {
        "event_type": etype,
        "plover_root": root or etype,
        "trigger": etype.lower(),
        "modality": "asserted",
        "actor1_text": a1,
        "actor1_id": a1_id,
        "actor2_text": a2,
        "actor2_id": None,
        "start_char": start,
    }


def test_actor_words_overlap_ignores_case_and_function_words():
    assert shares_word("the Ruritanian Army", "ruritanian forces")
    assert not shares_word("the army of the north", "the navy of the south")
    assert not shares_word(None, "army")
    assert overlap_f1("the harbour deal", "The harbour deal") == 1.0
    assert overlap_f1("", None) == 1.0
    assert overlap_f1("a b", "c d") == 0.0


def test_plv_rows_one_article_per_distinct_sentence(tmp_path):
    path = tmp_path / "plv.tsv"
    path.write_text(PLV_TSV, encoding="utf-8")
    rows = plv.load_plv(path)
    assert [r.gold for r in rows] == ["ASSAULT", "YIELD", "AGREE", "CONSULT"]
    files = plv.write_articles(rows, tmp_path / "raw")
    assert len(files) == 3 and len(list((tmp_path / "raw").glob("*.txt"))) == 3
    assert files[rows[1].sentence] == files[rows[2].sentence]


def test_event_pick_prefers_both_actors_then_one_then_first():
    names = {"RUR": "Ruritania"}
    first = _event("ACCUSE", "the mayor", None, start=0)
    one = _event("COERCE", "the army", None, start=10)
    both = _event("ASSAULT", "the army", "the villages", start=20)
    reversed_ = _event("PROTEST", "villagers", "army units", start=30)
    assert plv.pick_event([first, one, both], "The army", "villages", names) is both
    assert plv.pick_event([first, one], "The army", "villages", names) is one
    assert plv.pick_event([first], "The army", "villages", names) is first
    # Both in the source's direction beats both the other way round.
    assert plv.pick_event([reversed_, both], "The army", "villages", names) is both
    # The dictionary name of the resolved actor counts as the slot's words.
    capital = _event("SANCTION", "Strelsau", None, a1_id="RUR")
    assert plv.pick_event([first, capital], "Ruritania", "x", names) is capital
    assert plv.pick_event([], "a", "b", names) is None


def test_plv_scores_yield_by_either_successor_and_no_event_as_wrong():
    rows = [
        plv.PlvRow("s1", "army", "villages", "ASSAULT"),
        plv.PlvRow("s2", "Vell", "Ostland", "YIELD"),
        plv.PlvRow("s3", "Vell", "Ostland", "YIELD"),
        plv.PlvRow("s4", "council", "guild", "CONSULT"),
        plv.PlvRow("s5", "council", "guild", "CONSULT"),
    ]
    files = {r.sentence: f"{r.sentence}.txt" for r in rows}
    art = {"language": "en", "duplicate_of": None}
    by_file = {
        "s1.txt": {**art, "article_id": "a1"},
        "s2.txt": {**art, "article_id": "a2"},
        "s3.txt": {**art, "article_id": "a3"},
        "s4.txt": {**art, "article_id": "a4"},
        "s5.txt": {**art, "article_id": "a5", "language": "de"},
    }
    events = {
        "a1": [_event("ASSAULT", "the army", "villages")],
        "a2": [_event("CONCEDE", "Vell", "Ostland")],
        "a3": [_event("RETREAT", "Vell", None)],
        "a4": [],
    }
    preds = plv.predictions(rows, files, by_file, events, {})
    assert [p["pred"] for p in preds] == ["ASSAULT", "YIELD", "YIELD", "none", "none"]
    # PLV is scored on PLOVER's coding of the act (plover_root), not on eventwire's type
    events["a1"] = [_event("CONSULT", "the army", "villages", root="AGREE")]
    (first, *_) = plv.predictions(rows, files, by_file, events, {})
    assert (first["pred"], first["pred_event_type"]) == ("AGREE", "CONSULT")
    events["a1"] = [_event("ASSAULT", "the army", "villages")]
    report = plv.score(preds)
    assert report["accuracy"] == 0.6
    assert report["no_event"] == 2
    assert report["no_event_why"] == {"no_event": 1, "not_english": 1}
    assert report["per_class"]["CONSULT"] == {
        "gold": 2, "predicted": 0, "correct": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0
    }  # fmt: skip
    assert report["macro_f1"] == round((1.0 + 1.0 + 0.0) / 3, 3)
    assert report["confusion"]["CONSULT"] == {"none": 2}
    assert report["pair_found"] == {"both": 2, "one": 1, "neither": 0}


def test_plv_confusions_count_wrong_types_only():
    preds = [
        {"gold": "ACCUSE", "pred": "REJECT", "why": None},
        {"gold": "ACCUSE", "pred": "REJECT", "why": None},
        {"gold": "ACCUSE", "pred": "ACCUSE", "why": None},
        {"gold": "AID", "pred": "none", "why": "no_event"},
    ]
    for p in preds[:3]:
        p.update(source_found=True, target_found=False, trigger="Denounced", modality="asserted")
    preds[0].update(modality="negated", gold_type_in_sentence=False)
    preds[1].update(gold_type_in_sentence=True)
    report = plv.score(preds)
    assert report["wrong_type"] == 2
    assert report["wrong_type_negated"] == 1
    assert report["wrong_type_gold_on_other_event"] == 1
    assert report["top_confusions"] == [
        {"gold": "ACCUSE", "predicted": "REJECT", "count": 2, "triggers": [["denounced", 2]]}
    ]
    assert report["per_class"]["ACCUSE"]["recall"] == round(1 / 3, 3)
    assert report["per_class"]["ACCUSE"]["precision"] == 1.0


def test_plv_folds_are_fixed_by_the_sentence_text_and_hold_out_a_third():
    sentences = [f"Minister {i} met the envoy of district {i * 7}." for i in range(600)]
    folds = [plv.fold_of(s) for s in sentences]
    assert set(folds) == {plv.STUDY, plv.HELD_OUT}
    assert 0.28 < folds.count(plv.HELD_OUT) / len(folds) < 0.39
    # The fold depends on the text only (surrounding white space aside), not on order or rows.
    assert [plv.fold_of(s) for s in reversed(sentences)] == folds[::-1]
    assert plv.fold_of("  " + sentences[0] + "\n") == folds[0]


def test_plv_report_gives_held_out_summary_only(monkeypatch):
    held = {"s3", "s4"}
    monkeypatch.setattr(plv, "fold_of", lambda s: plv.HELD_OUT if s in held else plv.STUDY)
    rows = [
        plv.PlvRow("s1", "army", "villages", "ASSAULT"),
        plv.PlvRow("s2", "Vell", "Ostland", "YIELD"),
        plv.PlvRow("s3", "army", "villages", "ASSAULT"),
        plv.PlvRow("s4", "council", "guild", "CONSULT"),
    ]
    files = {r.sentence: f"{r.sentence}.txt" for r in rows}
    by_file = {
        f"s{i}.txt": {"article_id": f"a{i}", "language": "en", "duplicate_of": None}
        for i in range(1, 5)
    }
    events = {
        "a1": [_event("ASSAULT", "the army", "villages")],
        "a2": [_event("REJECT", "Vell", "Ostland")],
        "a3": [_event("ASSAULT", "the army", "villages")],
    }
    report = plv.score_folds(plv.predictions(rows, files, by_file, events, {}))
    assert report["rows"] == 2 and report["accuracy"] == 0.5  # the details are the study fold's
    assert report["folds"]["all"]["accuracy"] == 0.5
    assert report["folds"]["study"]["rows"] == 2
    assert report["folds"]["held-out"] == {
        "rows": 2, "accuracy": 0.5, "macro_f1": 0.5, "accuracy_when_event": 1.0, "no_event": 1
    }  # fmt: skip
    assert [e["sentence"] for e in report["study_errors"]] == ["s2"]
    assert "CONSULT" not in report["per_class"]


# A brat file of our own in PolNeAR's layout: a headline paragraph, a two-fragment content, a
# belief attribution and one without a source.
RAW = (
    "Harbour Talks Stall\n\n"
    "Mayor Ilse Brandt said  the ferry will run on Sunday.\n\n"
    "\u201cWe are ready,\u201d the union added. Officials believe the deal is close. "
    "It was reported that fares would rise."
)


def _ann() -> str:
    def sp(s: str, nth: int = 0) -> tuple[int, int]:
        i = -1
        for _ in range(nth + 1):
            i = RAW.index(s, i + 1)
        return i, i + len(s)

    lines = []
    spans = {
        "T1": ("Source", [sp("Mayor Ilse Brandt")]),
        "T2": ("Cue", [sp("said")]),
        "T3": ("Content", [sp("the ferry will run on Sunday")]),
        "T4": ("Attribution", [sp("said")]),
        "T5": ("Content", [sp("\u201cWe are"), sp("ready,\u201d")]),
        "T6": ("Source", [sp("the union")]),
        "T7": ("Cue", [sp("added")]),
        "T8": ("Attribution", [sp("added")]),
        "T9": ("Source", [sp("Officials")]),
        "T10": ("Cue", [sp("believe")]),
        "T11": ("Content", [sp("the deal is close")]),
        "T12": ("Attribution", [sp("believe")]),
        "T13": ("Cue", [sp("It was reported")]),
        "T14": ("Content", [sp("fares would rise")]),
        "T15": ("Attribution-no-source", [sp("It was reported")]),
        "T16": ("Discuss", [sp("Harbour Talks Stall")]),
    }
    for tid, (kind, frags) in spans.items():
        ranges = ";".join(f"{s} {e}" for s, e in frags)
        lines.append(f"{tid}\t{kind} {ranges}\t{' '.join(RAW[s:e] for s, e in frags)}")
    lines += [
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
        "E2\tAttribution:T8 Content:T5 Cue:T7 Source:T6",
        "E3\tAttribution:T12 Source:T9 Cue:T10 Content:T11",
        "E4\tAttribution-no-source:T15 Cue:T13 Content:T14",
    ]
    return "\n".join(lines) + "\n"


# What ingest makes of RAW: headline taken off, white space squeezed.
CLEAN = RAW.split("\n\n", 1)[1].replace("  ", " ")


def _claim(text: str, cue: str, speaker: str | None, content: str | None) -> dict:
    start = text.index(cue)
    c0 = text.index(content) if content else None
    return {
        "start_char": start,
        "end_char": start + len(cue),
        "cue": cue,
        "speaker_text": speaker,
        "content": content,
        "content_start": c0,
        "content_end": c0 + len(content) if content else None,
    }


def test_brat_attributions_parse_with_fragments_and_roles():
    attrs = polnear.parse_ann(_ann())
    assert len(attrs) == 4  # Discuss is a note, not an attribution
    quote = attrs[1]
    assert len(quote.content) == 2 and len(quote.cue) == 1
    assert attrs[3].source == []


def test_speech_is_told_from_belief_by_the_cue():
    for cue in ("said", "told", "according to", "tweeted", "added", "It was reported", "denies"):
        assert polnear.is_speech(cue), cue
    for cue in ("believe", "thinks", "wants", "plans", "knew", "hopes"):
        assert not polnear.is_speech(cue), cue


def test_gold_spans_are_carried_onto_the_cleaned_text():
    gold = polnear.map_attributions("a", RAW, CLEAN, polnear.parse_ann(_ann()))
    assert all(g.cue is not None for g in gold)
    said = gold[0]
    assert CLEAN[said.cue[0][0] : said.cue[0][1]] == "said"
    assert said.speech and not gold[2].speech
    # A span that is not in the article (the headline ingest took off) is unmapped.
    lost = polnear.map_attributions("a", RAW, CLEAN, [polnear.Attribution("E9", [(0, 7)])])
    assert lost[0].cue is None


def test_claims_match_attributions_by_cue_overlap_and_are_scored():
    gold = polnear.map_attributions("a", RAW, CLEAN, polnear.parse_ann(_ann()))
    gold.append(polnear.GoldAttribution("a", None, "said", "x", [], "y", [], True))  # unmapped
    claims = [
        _claim(CLEAN, "said", "Brandt", "the ferry will run on Sunday"),
        _claim(CLEAN, "added", "the union", "We are ready"),
        _claim(CLEAN, "run", "the ferry", None),  # no attribution there
    ]
    pairs, extra = polnear.match_article(claims, gold, CLEAN)
    assert [c["cue"] for c, _ in pairs] == ["said", "added"]
    assert [c["cue"] for c in extra] == ["run"]
    report = polnear.score(pairs, extra, gold, {"a": CLEAN})
    assert report["attributions"] == 5 and report["attributions_unmapped"] == 1
    assert report["precision"] == round(2 / 3, 3)
    assert report["recall"] == 0.5
    assert report["recall_counting_unmapped"] == 0.4
    assert report["speech_attributions"] == 3  # said, added, reported
    assert report["speech_recall"] == round(2 / 3, 3)
    assert report["other_recall"] == 0.0
    # "Brandt" vs "Mayor Ilse Brandt": word F1 0.5.
    assert report["speaker_agreement"] == 1.0
    assert report["content_agreement"] == 1.0
    assert report["missed_cue_words"] == [["believe", 1], ["it was reported", 1]]
    assert report["extra_cue_words"] == [["run", 1]]


def test_unmatched_claims_and_missed_attributions_are_explained():
    gold = polnear.map_attributions("a", RAW, CLEAN, polnear.parse_ann(_ann()))
    said = _claim(CLEAN, "said", "Brandt", "the ferry will run on Sunday")
    second = {**said, "content": "Sunday"}
    nested = _claim(CLEAN, "run", "the ferry", None)
    gap = CLEAN.index("It was") - 1
    elsewhere = {**nested, "start_char": gap, "end_char": gap + 1}
    outer = _claim(CLEAN, "added", "the union", "It was reported that fares would rise")
    claims = [said, second, nested, elsewhere, outer]
    pairs, extra = polnear.match_article(claims, gold, CLEAN)
    extra_why, missed_why = polnear.explain_article(claims, pairs, extra, gold)
    assert extra_why == {
        "second_claim_on_one_cue": 1,
        "inside_another_attribution": 1,
        "no_attribution_there": 1,
    }
    assert missed_why == {"not_speech": 1, "inside_a_claims_content": 1}


def test_errors_are_listed_with_their_context_for_study():
    gold = polnear.map_attributions("a", RAW, CLEAN, polnear.parse_ann(_ann()))
    claims = [
        _claim(CLEAN, "said", "the ferry", "the ferry will run on Sunday"),  # wrong speaker
        _claim(CLEAN, "run", "the ferry", None),  # inside the said attribution's content
    ]
    pairs, extra = polnear.match_article(claims, gold, CLEAN)
    errors = polnear.list_errors(pairs, extra, gold, CLEAN, context=20)
    by_kind = {e["error"]: e for e in errors}
    # "added" and "It was reported" are missed speech; "believe" is no speech and not listed.
    assert sorted(e["cue"] for e in errors if e["error"] == "missed") == [
        "It was reported",
        "added",
    ]
    assert by_kind["unmatched_nested"]["cue"] == "run"
    assert by_kind["speaker"]["gold_source"] == "Mayor Ilse Brandt"
    assert "said" in by_kind["speaker"]["context"] and len(by_kind["speaker"]["context"]) <= 40


def test_errors_are_listed_for_the_train_split_only(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--only", "polnear", "--misses", "/nonexistent/misses.json"])
    assert "train split only" in capsys.readouterr().err


def test_speaker_agrees_by_span_when_words_differ_much():
    mayor = (0, len("Mayor Ilse Brandt"))
    gold = polnear.GoldAttribution(
        "a", [(CLEAN.index("said"), CLEAN.index("said") + 4)], "said",
        "Mayor Ilse Brandt, who chairs the harbour board", [mayor], "", [], True,
    )  # fmt: skip
    claim = _claim(CLEAN, "said", "Brandt", None)
    assert overlap_f1("Brandt", gold.source_text) < 0.5
    wrong = {**claim, "speaker_text": "the union"}  # found in the text, outside the source
    report = polnear.score([(claim, gold), (wrong, gold)], [], [gold], {"a": CLEAN})
    assert report["speaker_agreement"] == 0.5


def test_locate_tolerates_cleaned_white_space_and_quote_kinds():
    text = "He said \u201cno\u201d to\nthe plan. He said no."
    assert locate(text, 'said "no" to the plan', 0) == (3, text.index("."))
    second = text.rindex("He said")
    assert locate(text, "He said", 30) == (second, second + 7)  # nearest the offset
    assert locate(text, "absent", 0) is None


def test_inputs_without_extraction_say_why():
    assert why_not_extracted(None) == "not_ingested"
    assert why_not_extracted({"language": "fr", "duplicate_of": None}) == "not_english"
    assert why_not_extracted({"language": "en", "duplicate_of": "x"}) == "near_duplicate"
    assert why_not_extracted({"language": "en", "duplicate_of": None}) is None


def test_exact_duplicates_map_back_to_their_row():
    import polars as pl

    articles = pl.DataFrame(
        {
            "article_id": ["a"],
            "source_path": ["raw/plv-00001.txt"],
            "duplicate_sources": [["raw/plv-00007.txt"]],
        }
    )
    by_file = article_of_file(articles)
    assert by_file["plv-00007.txt"]["article_id"] == "a"


def test_missing_data_message_says_how_to_get_it(monkeypatch, capsys):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert cli.main(["--out", "/nonexistent/never-written.json"]) == 2
    message = capsys.readouterr().err
    assert ENV_VAR in message
    assert "snowood1/Zero-Shot-PLOVER" in message and "networkdynamics/PolNeAR" in message
    assert "PLV_train.tsv" in message and "data/dev" in message
    # It names the held-out parts as not to be used.
    assert "PLV_test.tsv" in message and "PolNeAR/data/test" in message


def test_incomplete_data_folder_lists_what_is_missing(tmp_path):
    (tmp_path / "Zero-Shot-PLOVER" / "datasets").mkdir(parents=True)
    (tmp_path / "Zero-Shot-PLOVER" / "datasets" / "PLV_train.tsv").write_text("x")
    with pytest.raises(DataMissing) as err:
        locate_data(str(tmp_path))
    text = str(err.value)
    assert "PolNeAR/data/dev/text" in text and "metadata.tsv" in text
    assert "PLV_train.tsv (" not in text and "git clone" in text


def test_make_target_runs_the_module():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^eval-external:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert target and "pipelines.evaluate_external" in target.group(1)
    assert "eval-external" not in re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M).group(0)


def test_dev_articles_are_landed_with_sidecars_and_scored_end_to_end(tmp_path):
    text_dir, ann_dir = tmp_path / "text", tmp_path / "attributions"
    text_dir.mkdir()
    ann_dir.mkdir()
    (text_dir / "outlet_2016-10-01_harbour.txt").write_text(RAW, encoding="utf-8")
    (ann_dir / "outlet_2016-10-01_harbour_ab12.ann").write_text(_ann(), encoding="utf-8")
    (ann_dir / "outlet_2016-10-01_harbour_cd34.ann").write_text("", encoding="utf-8")
    (text_dir / "unannotated.txt").write_text(RAW, encoding="utf-8")
    articles = polnear.dev_articles(text_dir, ann_dir)
    assert [(t.name, a.name, n) for t, a, n in articles] == [
        ("outlet_2016-10-01_harbour.txt", "outlet_2016-10-01_harbour_ab12.ann", 2)
    ]
    meta = {"outlet_2016-10-01_harbour": {"publisher": "outlet", "publication_date": "2016-10-01"}}
    polnear.write_articles(articles, meta, tmp_path / "raw")
    sidecar = tmp_path / "raw" / "outlet_2016-10-01_harbour.meta.json"
    assert json.loads(sidecar.read_text()) == {"outlet": "outlet", "published": "2016-10-01"}

    row = {"article_id": "a", "text": CLEAN, "language": "en", "duplicate_of": None}
    claims = {"a": [_claim(CLEAN, "said", "Mayor Ilse Brandt", "the ferry will run on Sunday")]}
    report = polnear.evaluate_tables(articles, {"outlet_2016-10-01_harbour.txt": row}, claims)
    assert (report["matched"], report["attributions"], report["precision"]) == (1, 4, 1.0)
    assert report["articles_with_several_annotations"] == 1
    # An article the pipeline did not extract: every attribution in it is missed.
    skipped = polnear.evaluate_tables(
        articles, {"outlet_2016-10-01_harbour.txt": {**row, "language": "fr"}}, {}
    )
    assert skipped["articles_not_extracted"] == {"not_english": 1}
    assert (skipped["recall"], skipped["attributions_unmapped"]) == (0.0, 0)


def test_polnear_test_split_is_never_read(tmp_path):
    from pipelines.evaluate_external.data import ExternalData

    data = ExternalData(tmp_path)
    assert data.polnear_split("train") == (
        tmp_path / "PolNeAR/data/train/text",
        tmp_path / "PolNeAR/data/train/attributions",
    )
    with pytest.raises(ValueError, match="not read"):
        data.polnear_split("test")
