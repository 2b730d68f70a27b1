"""Small helpers over the dependency parse shared by the event and claim rules."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span, Token

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
# Children that end an actor's phrase: places, times, relative clauses, asides.
_PLACE_ENTS = {"GPE", "LOC", "FAC"}


# Prepositions that never continue an actor's name: "protesters near the palace".
_CUT_PREPS = {"as", "near", "outside", "inside", "around", "along", "across", "during", "after"}


# Prepositions that link a gerund clause to the clause whose subject does it: "before signing".
_CLAUSE_PREPS = {"before", "after", "while", "without", "upon", "since", "despite", "by"}


def pronoun_antecedent(pron: Token) -> Token | None:
    """'it' / 'they' as the subject of a clause inside another clause refer to that clause's
    subject: 'The army said it had deployed', 'the cartel, which it accuses ...'."""
    if pron.lower_ not in ("it", "they", "its", "their"):
        return None
    node = pron.head
    for _ in range(5):
        if node.head.i == node.i:
            return None
        node = node.head
        for c in node.children:
            if c.dep_ in SUBJECTS and c.i != pron.i and c.pos_ in ("NOUN", "PROPN"):
                if c.left_edge.i <= pron.i <= c.right_edge.i:
                    continue  # "their shelling has killed": not the phrase holding 'their'

                if c.ent_type_ == "PERSON":
                    return None  # 'it' is never a person
                return c
    return None


def subject_of(verb: Token, max_hops: int = 4) -> Token | None:
    """The subject of a verb, borrowed from the governing clause for control verbs
    ("is preparing to launch"), participles ("..., killing"), and coordinated verbs."""
    tok = verb
    for _ in range(max_hops):
        for child in tok.children:
            if child.dep_ in SUBJECTS:
                if child.tag_ in ("WDT", "WP") and tok.dep_ == "relcl":
                    return tok.head  # "the group that attacked": the group acts
                if child.pos_ == "PRON":
                    return pronoun_antecedent(child) or child
                return child
        if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN"):
            return tok.head
        if (
            tok.dep_ == "prep"
            and tok.lower_ in _CLAUSE_PREPS
            and tok.head.pos_ in ("VERB", "AUX")
            and all(c.dep_ != "nsubjpass" for c in tok.head.children)
        ):
            tok = tok.head  # "met ... before signing the document": through the preposition
            continue
        if tok.dep_ in ("xcomp", "advcl", "conj", "pcomp", "acomp") and tok.head.i != tok.i:
            tok = tok.head
            continue
        return None
    return None


def passive_agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def child(tok: Token, *deps: str) -> Token | None:
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


# A place after these is where something happened, not who it happened to.
PLACE_PREPS = frozenset({"in", "at", "to", "into", "near", "from"})


def prep_object(tok: Token, preps: set[str] | frozenset[str], places: bool = False) -> Token | None:
    """The object of the first of `preps` hanging on tok. A place after "to", "in", ... is
    where, not who, unless `places` ("sent rice to Haiti": a country receives)."""
    for c in tok.children:
        # "providing assistance to flood victims": the parser calls a recipient's "to" dative
        if c.dep_ in ("prep", "dative") and c.lower_ in preps:
            obj = child(c, "pobj")
            if obj is None:
                continue
            if not places and c.lower_ in PLACE_PREPS and obj.ent_type_ in _PLACE_ENTS:
                continue  # "talks in Caracas", "marched to the county offices"
            if obj.ent_type_ in ("DATE", "TIME"):
                continue  # "imposed sanctions on Thursday on nine officials": a time, not a party
            return obj
    return None


def is_place_pp(prep: Token) -> bool:
    """'in Plateau state', 'on Monday': a preposition whose object is a place or a time."""
    obj = child(prep, "pobj")
    if obj is None:
        return False
    kinds = _PLACE_ENTS | {"DATE", "TIME"}
    return obj.ent_type_ in kinds or any(
        t.ent_type_ in kinds for t in obj.lefts if t.dep_ in ("compound", "amod")
    )


def phrase_bounds(head: Token, alone: bool = False) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase headed by head, without trailing places,
    dates, relative clauses and asides set off by dashes or commas. alone: without its
    coordinated phrases too ("Tehran" of "Tehran and Berlin agreed", where Berlin is the
    other party)."""
    doc = head.doc
    start = head.left_edge.i
    end = head.right_edge.i + 1
    rights = list(head.rights)
    for n, c in enumerate(rights):
        named_appos = n + 1 < len(rights) and _named_appos(rights[n + 1])
        if c.dep_ == "punct" and c.text == "," and named_appos:
            continue  # "his lawyer, Veronica Esquivel": the name belongs to the phrase
        cut = (
            c.dep_ in ("relcl", "punct", "advcl", "parataxis")
            or (alone and c.dep_ in ("cc", "conj"))
            # "the government of rewarding armed groups": a gerund clause is what they did
            or (c.dep_ == "prep" and child(c, "pcomp") is not None and c.i > head.i)
            # "police at the airport", "the leader of a militia in the western state": where a
            # common noun is, not who it is
            or (
                c.dep_ == "prep"
                and c.lower_ in ("in", "at")
                and c.i > head.i
                and head.pos_ == "NOUN"
            )
            # "armed groups on government forces": a target, not part of a common noun's phrase
            # (a name keeps it: "the Committee on Foreign Relations")
            or (
                c.dep_ == "prep"
                and c.lower_ in ("on", "against")
                and c.i > head.i
                and head.pos_ != "PROPN"
            )
            or (c.dep_ == "prep" and (is_place_pp(c) or c.lower_ in _CUT_PREPS))
            or (c.dep_ == "appos" and c.i > 0 and doc[c.left_edge.i - 1].text in ("—", "–", "("))
            or (c.dep_ == "appos" and not _named_appos(c))
        )
        if cut:
            end = min(end, c.left_edge.i)
            break
        for gc in c.subtree:
            if gc.dep_ == "prep" and is_place_pp(gc) and gc.i > head.i:
                end = min(end, gc.i)
    while start < head.i and doc[start].is_space:
        start += 1  # the blanked dateline or a paragraph break
    if doc[start].text == "(" and start > 0 and doc[start - 1].pos_ == "PROPN":
        # "The World Health Organization (WHO) is providing": the parser made the acronym the
        # subject and left the name it abbreviates outside. The phrase is the name, as when
        # the parser gets it right and the acronym is an aside in parentheses (cut above).
        start, end = doc[start - 1].left_edge.i, start
    while end > start + 1 and doc[end - 1].is_punct and doc[end - 1].text not in ("”", '"'):
        end -= 1
    while end > start + 1 and doc[end - 1].dep_ == "cc":
        end -= 1
    return start, end


def _named_appos(tok: Token) -> bool:
    return tok.dep_ == "appos" and (tok.ent_type_ in ("PERSON", "ORG") or tok.pos_ == "PROPN")


def phrase(head: Token, alone: bool = False) -> Span:
    start, end = phrase_bounds(head, alone)
    return head.doc[start:end]


def ancestors_in_sentence(tok: Token):
    """tok, then its heads up to the sentence root."""
    yield tok
    while tok.head.i != tok.i:
        tok = tok.head
        yield tok


_ENTS_KEY = ("eventwire", "ents_by_start")


def span_ents(span: Span) -> list[Span]:
    """The entities inside `span` (a sentence, a speaker's phrase), as span.ents gives them.
    span.ents rebuilds every entity of the document on each call, which once per sentence is
    quadratic in a long document (an article of 10,000 short quoted sentences took minutes),
    and once per speaker or actor phrase cost a tenth of the rules' time; the document's
    entity bounds are listed once and looked up by position instead.

    The list kept on the document holds plain numbers, never Spans: a Span refers to its
    document, so Spans kept in doc.user_data would make a reference cycle, and every parsed
    document would stay in memory until Python's cycle collector next ran (about 250 MB per
    parser process, measured over 400 articles)."""
    doc = span.doc
    cached = doc.user_data.get(_ENTS_KEY)
    if cached is None:
        ents = doc.ents  # sorted by start, never overlapping
        cached = doc.user_data[_ENTS_KEY] = (
            [e.start for e in ents],
            [(e.end, e.label, e.kb_id, e.id) for e in ents],
        )
    starts, rest = cached
    out = []
    i = bisect.bisect_left(starts, span.start)
    while i < len(starts) and rest[i][0] <= span.end:
        end, label, kb_id, span_id = rest[i]
        out.append(Span(doc, starts[i], end, label=label, kb_id=kb_id, span_id=span_id))
        i += 1
    return out


_LOWERS_KEY = ("eventwire", "lowers")
_LEMMAS_KEY = ("eventwire", "lemmas")


def lowers(doc: Doc) -> list[str]:
    """Every token's lower-case form, read once per document for the rules that screen every
    word or scan a window of words around each number (windows overlap), without building a
    Token and looking its string up each time. Plain strings, so nothing kept on the document
    refers back to it (see span_ents)."""
    cached = doc.user_data.get(_LOWERS_KEY)
    if cached is None:
        cached = doc.user_data[_LOWERS_KEY] = [t.lower_ for t in doc]
    return cached


def lemmas(doc: Doc) -> list[str]:
    """Every token's lemma, lower-cased, read once per document (as lowers)."""
    cached = doc.user_data.get(_LEMMAS_KEY)
    if cached is None:
        cached = doc.user_data[_LEMMAS_KEY] = [t.lemma_.lower() for t in doc]
    return cached


def charge_denied(verb: Token, clause: Token) -> bool:
    """'Pakistan accused India of violating the ceasefire, a charge New Delhi denied': the
    parser makes the accusation the complement of 'denied' and 'a charge New Delhi' its
    subject. The clause comes first and the subject is a common noun with a name beside it."""
    subj = child(verb, "nsubj")
    return (
        subj is not None
        and clause.i < subj.i < verb.i
        and subj.pos_ == "NOUN"
        and any(c.dep_ == "appos" for c in subj.children)
    )


def role_apposition(head: Token, roles: frozenset[str] | set[str]) -> Span | None:
    """The name set beside a role noun: "the EU's envoy for the dialogue, Hanna Lindqvist",
    "the rebel commander, Juan Ortiz". The small model often tags such a name ORG or nothing,
    so the apposition of a role word is taken as the person's name whatever its label."""
    if head.lemma_.lower() not in roles:
        return None
    # on the role noun, or by a misparse on the last noun of its phrase ("envoy for the
    # dialogue, Hanna Lindqvist", the name hung on "dialogue")
    name = next(
        (
            t
            for t in head.subtree
            if t.dep_ == "appos" and t.pos_ == "PROPN" and t.i > head.i and t.right_edge.i == t.i
        ),
        None,
    )
    if name is None or name.ent_type_ in ("GPE", "LOC", "NORP", "FAC"):
        return None
    start = name.i
    while start > 0 and name.doc[start - 1].pos_ == "PROPN" and name.doc[start - 1].head == name:
        start -= 1
    return name.doc[start : name.i + 1]
