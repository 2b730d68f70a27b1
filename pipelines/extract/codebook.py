"""Render docs/codebook.md from the trigger lexicon, so the codebook cannot drift from the rules.

python -m pipelines.extract.codebook            # rewrite docs/codebook.md
python -m pipelines.extract.codebook --check    # exit 1 when it is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines.extract.quantities import quantity_words
from pipelines.extract.rules import modality_cues, trigger_lexicon
from pipelines.lexicons import data_file
from schemas.dictionary import write_generated

OUT = Path(__file__).resolve().parents[2] / "docs" / "codebook.md"
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
              4: "material conflict"}  # fmt: skip

CONVENTIONS = """\
## How a sentence becomes an event

1. **Trigger.** A word whose lemma and part of speech are listed below, with its conditions met
   (`subject`, `object`, `governor`, `preposition`). Conditional entries are tried first, so
   "pledged $25 million" is AID before it is AGREE. Nouns used as modifiers ("strike group") are
   never triggers.
2. **One event per action.** A noun that an event verb judges ("condemned *the attack*",
   "rejected *the sanctions*") refers back to an event already reported: the verb is the event.
   An action requested by a REQUEST ("urged Ankara *to withdraw*") or threatened by a THREATEN
   ("threatened *to retaliate* against any attack") is its content, not an event; so is what
   someone is accused or suspected of ("accused India *of violating the ceasefire*"). "killed 27
   people *in an attack*", "an attack *that killed* four", "conducted strikes, *killing* 83",
   "killed 27 *and wounded* dozens", "*their shelling has killed* hundreds" are one event each,
   with the numbers of both. A later definite mention of an act already reported ("*the
   designation*" after "to designate") keeps its row with `mention_of`, the first mention's
   id, and joins its cluster; not when it has a time of its own ("the 2015 deal"), other
   parties, an act that did not happen behind it, or lies more than four sentences back.
   A refusal is a REJECT (`refusals` in triggers.yaml): "*will not lift* the ban", "*will not
   end* the strike"; "*refused* to meet" is coded once, by the refusing verb.
3. **Actors.** actor1 is the subject (the agent of a passive, "were killed *by gunmen*"; the
   subject of the governing clause for "is preparing *to launch*"; a light verb's subject for a
   noun, "U.S. forces *conducted* strikes"; a possessive or national modifier, "Russia's attack",
   "a U.S. intervention"); a weapon is no actor ("killed *by gunfire*"; "explosive-laden
   drones struck") unless its owner is named ("army drones"; "a device *planted by the group*"
   gives the group); a passive participle takes its agent ("*if attacked by* the army"). actor2
   is the object or the object of *on, against, with, at, to, into*; for theme types (below),
   instrument and topic objects only the listed prepositions name a target; two-party types
   ({two_party}) take the other party from *with* ("met *at* the bridge"
   names a place) or from actor1's conjunct ("Tehran and Berlin agreed"). An event noun as
   object passes on its own target ("stop attacks *on security forces*"); for a judging verb
   the one judged is the noun's doer; a rejection of an accusation's words rejects the accuser
   ("accuses Maduro of trafficking — allegations he rejects"). Requests and threats without an
   object aim at the subject or object of their content ("demanded that *the government*
   withdraw"). Phrases stop before places, dates, relative clauses, asides, a gerund clause and
   their own trigger. Pronouns: "he/she"
   is the last person named; "it/they" the subject of the governing clause; "who/which" the
   noun it modifies. Actors resolve through `pipelines/lexicons/actors.yaml`: aliases,
   metonyms ("Washington" -> USAGOV, "the Pentagon" -> USAMIL), demonym or country + sector noun
   ("Venezuelan police" -> VENCOP). Unknown entities keep their text with an `unk:` id.
4. **Modality.** The nearest cue on the way up from the trigger through its governing clauses
   wins, stopping at a reporting verb ("said") and at relative clauses: `denied` (governed by
   deny, or "denied that ..."), `negated` (not, never), `planned` ({planned}),
   `expected` ({expected}; the auxiliary "will"), `possible` (could/may/might/would,
   {possible}); otherwise `asserted`. A threat is a statement made: "would/will defend
   themselves" is an asserted THREATEN; only a cue beyond those auxiliaries ("could threaten")
   changes it.
5. **Date.** A DATE expression belongs to the event whose clause it hangs off, its own trigger's
   first ("agreed on Sunday to a truce starting *on December 1*"); a date of the reporting verb
   ("officials *said on Friday*") dates no event, nor does a date modifying a noun ("the 2023
   agreement") date any event but that noun's. It is resolved
   against the publication date: absolute dates; weekdays back in reports and forward in
   planned/expected/possible events (the publication weekday is the publication day);
   "two days ago", "yesterday"; "last week"/"last month" and "since <month>" are ranges
   (`date_end`); a month alone has month precision, a year alone year precision; a month and
   day without a year is the nearest such day to publication; durations ("four days") are no
   dates. That is `date_basis` stated. An event without one takes, in order (`context`): the
   date of the event a definite noun refers back to ("the strike"), of an event of the same
   kind its sentence dates ("exchanged fire on Monday, killing five"), or, for a material
   event told without a time of its own, the story's episode (the latest day-precise stated
   date of the last month before it); else (`published`) the publication date, as for
   statements and plans. A phrase that names no definite time ("in recent years") stays in
   `date_text` and the date comes from publication.
   Places (`location_basis`): the event's own phrase (stated), else the event it refers to,
   its sentence's other events, its episode (context), else the dateline, else the country
   of actor1 or actor2 (actor); a country stands at its capital's point.
6. **Numbers.** Each number is tied to the event its noun hangs off. Qualifiers
   (`quantities.yaml`, the first that matches wins): {qualifiers}. Vague plurals are lower
   bounds: {vague}. Casualty kinds come from the verb, modifier or noun: {kinds}; other numbers
   are counts of their noun; "$50 million" is money in USD. Counts of sources ("four
   officials") are not quantities. A number whose clause, or a clause it hangs from, holds
   {running} is a running total (`scope` cumulative, `as_of_date` its range's end or the
   publication date), not an event's toll; daily counts leave it out.
"""


def render() -> str:
    lex = trigger_lexicon()
    cues = modality_cues()
    by_type: dict[str, list] = {}
    for entries in lex.by_lemma.values():
        for t in entries:
            by_type.setdefault(t.event_type, []).append(t)
    themes = ", ".join(
        f"{t.name} ({', '.join(sorted(t.theme_object))})"
        for t in sorted(lex.types.values(), key=lambda t: t.name)
        if t.theme_object is not None
    )
    lines = [
        "# Codebook",
        "",
        f"Generated from `{data_file('triggers.yaml').name}`, `modality.yaml` and "
        "`quantities.yaml` by `python -m pipelines.extract.codebook`; do not edit by hand. Add",
        "words by editing those files in `pipelines/lexicons/` (or copies in",
        "`EVENTWIRE_LEXICON_DIR`), then regenerate.",
        "",
        CONVENTIONS.format(
            planned=", ".join(sorted(cues.planned | cues.planned_adj)),
            expected=", ".join(sorted(cues.expected)),
            possible=", ".join(sorted(cues.possible | cues.possible_adj)),
            two_party=", ".join(t.name for t in lex.types.values() if t.symmetric),
            running=", ".join(f'"{" ".join(p)}"' for p in quantity_words().running_totals),
            **_numbers(),
        ),
        f"Theme types, whose object is what is moved or given, with the prepositions that name a "
        f"target: {themes}. Light verbs, which lend their subject to a noun trigger: "
        f"{', '.join(sorted(lex.light_verbs))}. Weapons and means, never actors on their own: "
        f"{', '.join(sorted(lex.instruments))}.",
        "",
        "## Event types and their words",
        "",
    ]
    for etype, quad in ((t.name, t.quad_class) for t in lex.types.values()):
        lines += [f"### {etype} (quad class {quad}, {QUAD_NAMES[quad]})", ""]
        if announced := lex.types[etype].announced:
            lines += [
                f"Announced or planned (modality planned or expected), PLOVER codes the act as "
                f"{announced}: `plover_root` {announced}, `event_type` {etype}.",
                "",
            ]
        if peace := lex.types[etype].peacekeeping:
            words = ", ".join(sorted(lex.peacekeeping_words))
            lines += [f"In a sentence about keeping the peace ({words}), the act is {peace}.", ""]
        if failed := lex.types[etype].failed:
            lines += [f"Negated (modality negated), PLOVER codes the act as {failed}.", ""]
        if etype in lex.examples:
            lines += [f"Example: *{lex.examples[etype]}*", ""]
        lines += ["| word | as | mode | only when |", "|---|---|---|---|"]
        for t in sorted(by_type.get(etype, []), key=lambda t: (t.lemma, sorted(t.pos))):
            conds = []
            if t.subject_any:
                conds.append("subject is " + "/".join(sorted(t.subject_any)))
            if t.object_any:
                role = "instrument" if t.object_is_instrument else "object"
                conds.append(f"{role} is " + "/".join(sorted(t.object_any)))
            if t.object_not:
                conds.append("object is not " + "/".join(sorted(t.object_not)))
            if t.governor_any:
                conds.append("governed by " + "/".join(sorted(t.governor_any)))
            if t.prep_any:
                conds.append("with " + "/".join(sorted(t.prep_any)))
            if t.modifier_any:
                conds.append("modified by " + "/".join(sorted(t.modifier_any)))
            if t.clause_any:
                conds.append("saying one will " + "/".join(sorted(t.clause_any)))
            if t.infinitive:
                conds.append("with a to-infinitive")
            if t.complement_any:
                conds.append("calling its object " + "/".join(sorted(t.complement_any)))
            if t.modality:
                conds.append(f"{t.modality} unless the sentence says otherwise")
            if t.plover:
                conds.append(f"`plover_root` {t.plover}")
            pos = ", ".join(p.lower() for p in sorted(t.pos))
            lines.append(f"| {t.lemma} | {pos} | {t.mode or ''} | {'; '.join(conds)} |")
        lines.append("")
    return "\n".join(lines)


def _numbers() -> dict[str, str]:
    words = quantity_words()
    by_code: dict[str, list[str]] = {}
    for phrase, code in words.qualifiers:
        by_code.setdefault(code, []).append(f'"{" ".join(phrase)}"')
    by_kind: dict[str, list[str]] = {}
    for lemma, kind in words.kind_by_lemma.items():
        by_kind.setdefault(kind, []).append(lemma)
    return {
        "qualifiers": "; ".join(f"{', '.join(p)} -> {code}" for code, p in by_code.items()),
        "vague": ", ".join(f"{word} >= {bound:,}" for word, bound in words.vague.items()),
        "kinds": "; ".join(f"{kind} ({', '.join(lemmas)})" for kind, lemmas in by_kind.items()),
    }


def main(argv: list[str]) -> int:
    return write_generated(OUT, render(), argv, "python -m pipelines.extract.codebook")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
