"""The scorer's matching rules, on small hand-made cases."""

from __future__ import annotations

import datetime as dt

from pipelines.evaluate import _date_str, _quantity_found, actor_match, overlap_f1
from pipelines.extract.actors import ActorResolver


def test_actor_matching_is_lenient_on_spans_and_strict_on_meaning():
    r = ActorResolver()
    assert actor_match("U.S. forces", "U.S. forces", "USAMIL", r)
    assert actor_match("the vessels", "vessels suspected of carrying drugs", None, r)
    assert actor_match("Washington", "the U.S. government", "USAGOV", r)  # same actor
    assert actor_match("Maduro", "he", "person:nicolas-maduro", r)  # resolved pronoun
    assert actor_match(None, None, None, r)
    assert not actor_match("Maduro", None, None, r)
    assert not actor_match(None, "the army", None, r)
    assert not actor_match("Washington", "Caracas", "VENGOV", r)


def test_a_pronoun_resolved_outside_the_dictionary_matches_by_the_actor_name():
    r = ActorResolver()
    names = {"unk:hanna-lindqvist": "Hanna Lindqvist", "unk:berisha": "Berisha"}
    assert actor_match("Hanna Lindqvist", "She", "unk:hanna-lindqvist", r, names)
    assert actor_match("Arta Berisha", "he", "unk:berisha", r, names)
    assert not actor_match("Dragan Petkovic", "he", "unk:berisha", r, names)
    assert not actor_match("Hanna Lindqvist", "She", "unk:hanna-lindqvist", r)  # no names


def test_dates_compare_at_the_gold_precision():
    day = {"event_date": dt.date(2025, 11, 16), "date_precision": "day", "date_end": None}
    month = {"event_date": dt.date(2025, 11, 1), "date_precision": "month", "date_end": None}
    week = {"event_date": dt.date(2025, 11, 10), "date_precision": "range",
            "date_end": dt.date(2025, 11, 16)}  # fmt: skip
    since = {"event_date": dt.date(2025, 9, 1), "date_precision": "range",
             "date_end": dt.date(2025, 11, 22)}  # fmt: skip
    assert _date_str(day) == "2025-11-16"
    assert _date_str(month) == "2025-11"
    assert _date_str(week) == "2025-11"  # "last week" inside one month
    assert _date_str(since) is None  # "since September" spans months: gold leaves it null


def test_quantities_need_value_and_qualifier():
    mine = [{"value": 83.0, "qualifier": "at_least", "text": "at least 83"},
            {"value": 24.0, "qualifier": "at_least", "text": "dozens"}]  # fmt: skip
    assert _quantity_found({"value": 83, "qualifier": "at least"}, mine)
    assert not _quantity_found({"value": 83, "qualifier": None}, mine)
    assert not _quantity_found({"value": 84, "qualifier": "at least"}, mine)
    assert _quantity_found({"value": None, "qualifier": "dozens"}, mine)


def test_content_overlap():
    assert overlap_f1("covert action is likely", "covert action is likely to form") >= 0.5
    assert overlap_f1("a b c d", "x y z") == 0
    assert overlap_f1(None, None) == 1.0
