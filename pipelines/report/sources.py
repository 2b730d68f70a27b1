"""The sources view: who said what, named or anonymous, through which outlets; the events
that rest only on anonymous sources; and denials set against what they answer.

Counted and paired by DuckDB; Python reads one speaker's claims, or one candidate pair, at a
time, and builds rows only for what the page lists."""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa

from pipelines.report.facts import BATCH_ROWS, CLAIM_COLUMNS, Facts
from pipelines.report.pages import LIST_LIMIT, Row, Timeline, claim_brief, first_n

SPEAKER_CLAIMS = 8  # claims listed under each speaker
CONTRADICTION_DAYS = 14
SHARED_WORDS = 2  # an assertion answered by a denial in the same article: words in common
_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset("that this with from have were their they been into said says will would".split())
DENIALS = ("deny", "reject")
ACCUSATIONS = ("accuse", "assert")

# One speaker: a resolved actor, or the words; anonymous sources apart from the named voices
# of the same actor ("U.S. officials" are not the State Department on the record). pos: the
# claims' order (article, place in it).
_CLAIM_KEYS = """
CREATE TEMP TABLE room_claim_keys AS
SELECT
    claim_id, article_id, start_char, published_date, stance, speaker_actor_id,
    CASE WHEN anonymous THEN 'anonymous|' ELSE '' END
        || coalesce(nullif(speaker_actor_id, ''),
                    casefold(coalesce(nullif(speaker_text, ''), '(unnamed)'))) AS skey,
    row_number() OVER (ORDER BY article_id, start_char, claim_id) AS pos
FROM room_claims
"""

_SQL_DENIALS = ", ".join(f"'{s}'" for s in DENIALS)


def _near_join(left: str, right: str, on: str, day: str, where: str = "TRUE") -> str:
    """Rows of `left` and `right` (queries with a `day` column) that match `on` and whose
    days are at most CONTRADICTION_DAYS apart, or either undated: as an equality join on
    weeks (an actor's rows over a year are never all set against each other)."""
    w = CONTRADICTION_DAYS // 7 + 1
    week = f"(({{t}}.{day} - DATE '1970-01-01') // 7)"
    return f"""
    SELECT l.*, r.* FROM (SELECT *, unnest(range(-{w}, {w + 1})) AS _off FROM ({left})
                          WHERE {day} IS NOT NULL) AS l
    JOIN ({right}) AS r
      ON {on} AND r.{day} IS NOT NULL AND {week.format(t="r")} = {week.format(t="l")} + l._off
    WHERE abs(r.{day} - l.{day}) <= {CONTRADICTION_DAYS} AND {where}
    UNION ALL
    SELECT l.*, NULL AS _off, r.* FROM ({left}) AS l JOIN ({right}) AS r ON {on}
    WHERE l.{day} IS NULL AND {where}
    UNION ALL
    SELECT l.*, NULL AS _off, r.* FROM ({left}) AS l JOIN ({right}) AS r ON {on}
    WHERE l.{day} IS NOT NULL AND r.{day} IS NULL AND {where}
    """


def sources_page(facts: Facts, tl: Timeline) -> Row:
    """Who said what (named or anonymous, through which outlets), the events that rest only
    on anonymous sources, and denials set against the accusations they answer."""
    _claim_keys(facts)
    anonymous_only = [brief for day in tl.day_order for brief in tl.summaries[day].anonymous]
    outlets = facts.con.execute(
        """
        SELECT coalesce(nullif(c.outlet, ''), '(unknown)') AS outlet,
               count(*) FILTER (WHERE NOT coalesce(c.anonymous, FALSE)) AS n_named,
               count(*) FILTER (WHERE c.anonymous) AS n_anonymous,
               min(k.pos) AS first
        FROM room_claims AS c JOIN room_claim_keys AS k USING (claim_id)
        GROUP BY 1
        ORDER BY count(*) DESC, first
        """
    ).fetchall()
    return {
        "claims": sum(n + a for _, n, a, _ in outlets),
        "anonymous": sum(a for _, _, a, _ in outlets),
        "outlets": [{"outlet": o, "named": n, "anonymous": a} for o, n, a, _ in outlets],
        "speakers": speakers(facts),
        "anonymous_only": first_n(anonymous_only),
        "contradictions": contradictions(facts),
    }


def _claim_keys(facts: Facts) -> None:
    if not facts.value(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'room_claim_keys' AND temporary"
    ):
        facts.con.execute(_CLAIM_KEYS)


# Each claim with its rank among its speaker's claims, newest first (then in the claims'
# order): what the speakers' tallies and their listed claims are counted from.
_SPEAKER_CLAIMS = """
CREATE OR REPLACE TEMP TABLE room_speaker_claims AS
SELECT k.skey, k.pos, c.claim_id, c.speaker, c.speaker_text, c.speaker_kind, c.anonymous,
       c.stance, c.outlet, c.reported_via,
       row_number() OVER (PARTITION BY k.skey ORDER BY c.published_date DESC NULLS LAST, k.pos)
           AS rk
FROM room_claims AS c JOIN room_claim_keys AS k USING (claim_id)
"""


def speakers(facts: Facts, limit: int = LIST_LIMIT) -> Row:
    """Every speaker, tallied by DuckDB: the first `limit` speakers by claims (then name, then
    as first heard in the claims' order), as first_n gives a list. Counts of a value tie as
    Counter's do over the claims newest first: the first seen wins."""
    _claim_keys(facts)
    con = facts.con
    con.execute(_SPEAKER_CLAIMS)
    found = {
        key: {"key": key, "n": n, "first": first, "anon": anon, "resolved": resolved or "(unnamed)",
              "anonymous": bool(anonymous), "outlets": sorted(outlets), "via": sorted(via)}
        for key, n, first, anon, resolved, anonymous, outlets, via in con.execute(
            """
            SELECT skey, count(*), min(pos), bool_and(coalesce(anonymous, FALSE)),
                   max(speaker) FILTER (WHERE rk = 1), bool_or(anonymous) FILTER (WHERE rk = 1),
                   coalesce(list(DISTINCT outlet) FILTER (WHERE outlet <> ''), []),
                   coalesce(list(DISTINCT reported_via) FILTER (WHERE reported_via <> ''), [])
            FROM room_speaker_claims GROUP BY skey
            """
        ).fetchall()
    }  # fmt: skip

    def most_common(column: str, where: str = "TRUE") -> dict[str, list[Any]]:
        """speaker -> the column's values, most claims first (ties: the first seen)."""
        out: dict[str, list[Any]] = {}
        for key, value in con.execute(
            f"SELECT skey, {column} FROM room_speaker_claims WHERE {where} "
            f"GROUP BY skey, {column} ORDER BY skey, count(*) DESC, min(rk)"
        ).fetchall():
            out.setdefault(key, []).append(value)
        return out

    words = most_common("speaker_text", "speaker_text <> '' AND skey LIKE 'anonymous|%'")
    for key, s in found.items():
        s["name"] = _name(s["resolved"], s["anonymous"], (words.get(key) or [None])[0])
    ranked = sorted(found.values(), key=lambda s: (-s["n"], s["name"], s["first"]))[:limit]
    con.register("room_listed", _keys_table([s["key"] for s in ranked]))
    kinds = most_common("speaker_kind", "skey IN (SELECT skey FROM room_listed)")
    stances: dict[str, dict[str, int]] = {}
    for key, stance, n in con.execute(
        "SELECT skey, stance, count(*) FROM room_speaker_claims "
        "WHERE skey IN (SELECT skey FROM room_listed) "
        "GROUP BY skey, stance ORDER BY skey, count(*) DESC, min(rk)"
    ).fetchall():
        stances.setdefault(key, {})[stance] = n
    claims: dict[str, list[str]] = {}
    for key, cid in con.execute(
        "SELECT skey, claim_id FROM room_speaker_claims "
        f"WHERE skey IN (SELECT skey FROM room_listed) AND rk <= {SPEAKER_CLAIMS} "
        "ORDER BY skey, rk"
    ).fetchall():
        claims.setdefault(key, []).append(cid)
    con.unregister("room_listed")
    con.execute("DROP TABLE room_speaker_claims")
    briefs = _claim_briefs(facts, [cid for ids in claims.values() for cid in ids])
    rows = [
        {
            "key": s["key"],
            "name": s["name"],
            "kind": kinds[s["key"]][0],
            "anon": s["anon"],
            "n": s["n"],
            "stances": stances[s["key"]],
            "outlets": s["outlets"],
            "via": s["via"],
            "claims": [briefs[cid] for cid in claims[s["key"]]],
        }
        for s in ranked
    ]
    return {"total": len(found), "rows": rows}


def _name(resolved: str, anonymous: bool, said: str | None) -> str:
    """The actor's name; for anonymous sources the words most used, then the actor."""
    if not anonymous:
        return resolved
    said = said or resolved
    return said if resolved.casefold() in said.casefold() else f"{said} ({resolved})"


def _keys_table(keys: list[str]) -> pa.Table:
    return pa.table({"skey": pa.array(keys, pa.string())})


def _claim_briefs(facts: Facts, ids: list[str]) -> dict[str, Row]:
    if not ids:
        return {}
    facts.register("room_ids", "claim_id", ids)
    rows = facts.rows(
        f"SELECT {', '.join(CLAIM_COLUMNS)} FROM room_claims "
        "WHERE claim_id IN (SELECT claim_id FROM room_ids)"
    )
    out = {c["claim_id"]: claim_brief(c) for c in rows}
    facts.con.unregister("room_ids")
    return out


def stems(text: str | None) -> set[str]:
    """Content words cut to five letters: "entered" and "enters" meet, "Greek" and "Greece" not."""
    return {w[:5] for w in _WORD.findall((text or "").casefold()) if w not in _STOP}


# Events that rest on a claim, with their claim's speaker; pos: the events' order.
_CLAIMED_EVENTS = """
SELECT e.event_type, e.actor1_id, e.actor1, e.claim_id, e.day, k.skey,
       row_number() OVER (ORDER BY e.day NULLS LAST, e.article_id, e.start_char, e.event_id)
           AS pos
FROM room_events AS e JOIN room_claim_keys AS k USING (claim_id)
WHERE e.modality = '{modality}' AND nullif(e.actor1_id, '') IS NOT NULL
"""

# Pairs of an accusation and a denial, found by an event denied by its own actor against the
# same type of event by that actor asserted by someone else within two weeks: each pair
# once, where it is first found (the denied event's order, then the asserted one's).
_EVENT_PAIRS = f"""
CREATE TEMP TABLE room_event_pairs AS
WITH d AS MATERIALIZED (  -- each side ordered once, not once per branch of _near_join
    SELECT event_type AS d_type, actor1_id AS d_a1, actor1 AS d_actor, claim_id AS d_claim,
           day, skey AS d_skey, pos AS d_pos
    FROM ({_CLAIMED_EVENTS.format(modality="denied")})
),
a AS MATERIALIZED (
    SELECT event_type AS a_type, actor1_id AS a_a1, claim_id AS a_claim, day AS a_day,
           skey AS a_skey, pos AS a_pos, day
    FROM ({_CLAIMED_EVENTS.format(modality="asserted")})
)
SELECT acc, den, arg_min(about, (dpos, apos)) AS about, min((dpos, apos)) AS first
FROM (
    SELECT a_claim AS acc, d_claim AS den, concat(d_type, ' by ', coalesce(d_actor, 'None')) AS about,
           d_pos AS dpos, a_pos AS apos
    FROM ({
    _near_join(
        "SELECT * FROM d",
        "SELECT * FROM a",
        "r.a_type = l.d_type AND r.a_a1 = l.d_a1",
        "day",
        "l.d_skey <> r.a_skey AND l.d_claim <> r.a_claim",
    )
})
)
GROUP BY acc, den
"""

# Denials with a resolved speaker, and the accusations made about events that speaker takes
# part in, in other articles within two weeks (by publication date).
_ACTOR_ROWS = f"""
den AS (
    SELECT claim_id AS den, article_id AS d_article, published_date AS day,
           speaker_actor_id AS actor, pos AS dpos
    FROM room_claim_keys
    WHERE stance IN ({_SQL_DENIALS}) AND nullif(speaker_actor_id, '') IS NOT NULL
),
involved AS (
    SELECT DISTINCT x.actor AS i_actor, k.claim_id AS acc, k.article_id AS a_article,
           k.published_date AS day
    FROM room_events AS e
    JOIN room_claim_keys AS k ON k.claim_id = e.claim_id AND k.stance = 'accuse',
    unnest([e.actor1_id, e.actor2_id]) AS x(actor)
    WHERE nullif(x.actor, '') IS NOT NULL
)
"""
_ACTOR_PAIRS = f"""
WITH {_ACTOR_ROWS},
pairs AS ({
    _near_join(
        "SELECT * FROM den",
        "SELECT * FROM involved",
        "r.i_actor = l.actor",
        "day",
        "r.a_article <> l.d_article",
    )
})
SELECT p.acc, p.den, p.dpos FROM pairs AS p
ANTI JOIN room_event_pairs AS e ON e.acc = p.acc AND e.den = p.den
"""

# How many rows _ACTOR_PAIRS gives, without making them (tens of millions at 200,000
# articles): the pairs of an actor's denials and accusations near in time, counted per
# actor and day as products of counts; less those within one article (one publication
# date, so always near); less those the events found (room_event_pairs).
_ACTOR_PAIRS_COUNT = f"""
WITH {_ACTOR_ROWS},
dn AS (SELECT actor AS d_actor, day, count(*) AS d_n FROM den GROUP BY ALL),
an AS (SELECT i_actor AS a_actor, day, count(*) AS a_n FROM involved GROUP BY ALL),
near AS ({_near_join("SELECT * FROM dn", "SELECT * FROM an", "r.a_actor = l.d_actor", "day")}),
same_article AS (
    SELECT d.actor, d.d_article, count(*) AS d_n
    FROM den AS d GROUP BY ALL
),
by_event AS (
    SELECT count(*) AS n
    FROM room_event_pairs AS e
    JOIN den AS d ON d.den = e.den
    JOIN involved AS i ON i.acc = e.acc AND i.i_actor = d.actor
    WHERE i.a_article <> d.d_article
      AND (d.day IS NULL OR i.day IS NULL OR abs(i.day - d.day) <= {CONTRADICTION_DAYS})
)
SELECT coalesce((SELECT sum(d_n * a_n) FROM near), 0)
     - coalesce((SELECT sum(s.d_n * a.a_n)
                 FROM same_article AS s
                 JOIN (SELECT i_actor, a_article, count(*) AS a_n FROM involved GROUP BY ALL)
                   AS a ON a.i_actor = s.actor AND a.a_article = s.d_article), 0)
     - (SELECT n FROM by_event)
"""

# A denial and, earlier in its article, an accusation by another speaker, or an assertion
# (which must share words with it: stems(), in Python). {stances}: which of the two.
_ARTICLE_PAIRS = f"""
SELECT c.claim_id AS acc, d.claim_id AS den, c.stance AS a_stance,
       CASE WHEN c.stance <> 'accuse' THEN cc.content END AS a_content,
       CASE WHEN c.stance <> 'accuse' THEN dc.content END AS d_content,
       d.pos AS dpos, c.pos AS apos, dc.speaker,
       e.acc IS NOT NULL AS by_event
FROM room_claim_keys AS d
JOIN room_claim_keys AS c
  ON c.article_id = d.article_id AND c.start_char < d.start_char AND c.skey <> d.skey
JOIN room_claims AS dc ON dc.claim_id = d.claim_id
JOIN room_claims AS cc ON cc.claim_id = c.claim_id
LEFT JOIN room_event_pairs AS e ON e.acc = c.claim_id AND e.den = d.claim_id
WHERE d.stance IN ({_SQL_DENIALS}) AND c.stance IN ({{stances}})
"""


def contradictions(facts: Facts, limit: int = LIST_LIMIT) -> Row:
    """Pairs of an accusation (or assertion) and the denial that answers it, found three
    ways: an event denied by its own actor against the same type of event by that actor
    asserted by someone else within two weeks; a denial and, earlier in its article, an
    accusation by another speaker or an assertion sharing SHARED_WORDS content words with
    it; a denial by an actor against accusations, elsewhere, of events in which that actor
    takes part.

    As first_n gives a list: how many pairs in all (each once), and the first `limit`: the
    events' pairs in the events' order, then, denial by denial in the claims' order, those
    in its article and those through its actor. Only the listed pairs are built as rows;
    the others are counted by DuckDB."""
    _claim_keys(facts)
    con = facts.con
    con.execute("DROP TABLE IF EXISTS room_event_pairs")
    con.execute(_EVENT_PAIRS)
    total = facts.value("SELECT count(*) FROM room_event_pairs")
    listed: list[tuple[str, str, str, str]] = [
        ("same event", acc, den, about)
        for acc, den, about in con.execute(
            "SELECT acc, den, about FROM room_event_pairs ORDER BY first LIMIT ?", [limit]
        ).fetchall()
    ]
    # The other two ways, in the denials' order: (denial, way, then its own order).
    later: list[tuple[tuple[Any, ...], tuple[str, str, str, str]]] = []
    want = limit - len(listed)
    stem_of: dict[str, set[str]] = {}
    if want > 0:  # listing: every candidate in the denials' order
        candidates = _ARTICLE_PAIRS.format(stances="'accuse', 'assert'") + " ORDER BY dpos, apos"
    else:  # only counting, by DuckDB: no candidate is read
        accusations = _ARTICLE_PAIRS.format(stances="'accuse'")
        total += facts.value(f"SELECT count(*) FROM ({accusations}) WHERE NOT by_event")
        total += _assertions_sharing_words(facts)
        candidates = None
    for p in facts.rows(candidates) if candidates else ():
        if p["by_event"] or (
            p["a_stance"] != "accuse"
            and len(_stems(stem_of, p["den"], p["d_content"]) & stems(p["a_content"]))
            < SHARED_WORDS
        ):
            continue
        total += 1
        if len(later) < want:
            later.append(((p["dpos"], 0, p["apos"]), ("same article", p["acc"], p["den"],
                                                      p["speaker"] or "")))  # fmt: skip
    # Millions at scale: counted as DuckDB finds them, never held.
    total += int(facts.value(_ACTOR_PAIRS_COUNT))
    if want > 0:
        for acc, den, dpos, speaker in con.execute(
            f"SELECT p.acc, p.den, p.dpos, c.speaker FROM ({_ACTOR_PAIRS}) AS p "
            "JOIN room_claims AS c ON c.claim_id = p.den ORDER BY p.dpos, p.acc LIMIT ?",
            [want],
        ).fetchall():
            later.append(((dpos, 1, acc), ("same actor", acc, den, speaker or "")))
        later.sort(key=lambda x: x[0])
        listed += [pair for _, pair in later[:want]]
    briefs = _claim_briefs(facts, sorted({cid for _, a, d, _ in listed for cid in (a, d)}))
    rows = [
        {"basis": basis, "about": about, "accusation": briefs[a], "denial": briefs[d]}
        for basis, a, d, about in listed
    ]
    return {"total": total, "rows": rows}


_STEMS = pa.schema([("id", pa.string()), ("stem", pa.string())])


def _assertions_sharing_words(facts: Facts) -> int:
    """How many assertions and later denials in one article (not found by the events) share
    SHARED_WORDS stems: stems() per claim in Python, the pairs' common stems by DuckDB (at
    200,000 articles there are about 440,000 such pairs, each read as a row before)."""
    con = facts.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE room_assert_pairs AS SELECT acc, den FROM ("
        + _ARTICLE_PAIRS.format(stances="'assert'")
        + ") WHERE NOT by_event"
    )
    batches = []  # as Arrow a batch of claims at a time: millions of stems at scale
    for batch in con.sql(
        "SELECT claim_id, content FROM claims WHERE claim_id IN "
        "(SELECT acc FROM room_assert_pairs UNION SELECT den FROM room_assert_pairs)"
    ).to_arrow_reader(BATCH_ROWS):
        ids: list[str] = []
        words: list[str] = []
        for claim_id, content in zip(
            batch.column("claim_id").to_pylist(), batch.column("content").to_pylist(), strict=True
        ):
            found = stems(content)
            ids.extend([claim_id] * len(found))
            words.extend(found)
        batches.append(pa.record_batch([pa.array(ids, pa.string()),
                                        pa.array(words, pa.string())], ["id", "stem"]))  # fmt: skip
    con.register("room_stems", pa.Table.from_batches(batches, _STEMS))
    n = facts.value(
        f"""
        WITH pa AS MATERIALIZED (  -- each pair with its assertion's stems, first: joined
            SELECT p.acc, p.den, a.stem  -- on stems alone, common words would multiply
            FROM room_assert_pairs AS p JOIN room_stems AS a ON a.id = p.acc
        )
        SELECT count(*) FROM (
            SELECT pa.acc, pa.den
            FROM pa JOIN room_stems AS d ON d.id = pa.den AND d.stem = pa.stem
            GROUP BY pa.acc, pa.den
            HAVING count(*) >= {SHARED_WORDS}
        )
        """
    )
    con.unregister("room_stems")
    con.execute("DROP TABLE room_assert_pairs")
    return n


def _stems(cache: dict[str, set[str]], key: str, text: str | None) -> set[str]:
    if key not in cache:
        if len(cache) > 10_000:
            cache.clear()  # pairs come denial by denial: only the last few are asked again
        cache[key] = stems(text)
    return cache[key]
