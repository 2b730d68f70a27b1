"""Attribution rules: speaker, cue, content and outlet of who-said-what."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from pipelines.extract import claim_speakers, quotes, syntax
from pipelines.extract.rules import AttributionCues, role_words

_CONTENT_PREPS = {"of", "as", "for", "about", "at", "over", "that", "against"}
_QUOTES_OPEN = '“"«'
_QUOTES_CLOSE = '”"»'
_PLEDGES = {"pledge", "promise", "vow"}
_QUESTIONS = {"ask", "wonder", "question"}


@dataclass
class ClaimMention:
    cue_i: int  # token index of the cue word
    cue_start: int  # character offsets of the cue
    cue_end: int
    cue_lemma: str
    stance: str
    speaker: Token | None
    speaker_span: Span | None
    content_start: int | None = None
    content_end: int | None = None
    reported_via: str | None = None
    confidence: float = 0.8
    kind: str = "statement"  # schemas.codes.CLAIM_KINDS

    @classmethod
    def at(
        cls,
        cue: Token,
        lemma: str,
        stance: str,
        speaker: Token | None,
        speaker_span: Span | None,
        content: tuple[int, int] | tuple[None, None] = (None, None),
        *,
        cue_last: Token | None = None,
        **rest,
    ) -> ClaimMention:
        """A claim whose cue runs from token `cue` to `cue_last` (default: the cue alone), with
        content bounds as _trim gives them."""
        last = cue_last if cue_last is not None else cue
        return cls(
            cue_i=cue.i,
            cue_start=cue.idx,
            cue_end=last.idx + len(last.text),
            cue_lemma=lemma,
            stance=stance,
            speaker=speaker,
            speaker_span=speaker_span,
            content_start=content[0],
            content_end=content[1],
            **rest,
        )


def find_claims(sent: Span, cues: AttributionCues, text: str) -> list[ClaimMention]:
    """The claims of one sentence. `text` is its doc's text, built once by the caller: Doc.text
    joins every token afresh, which per cue made a text of many cues quadratic."""
    found: list[ClaimMention] = []
    used: set[int] = set()
    doc, lemmas, lowers = sent.doc, syntax.lemmas(sent.doc), syntax.lowers(sent.doc)
    for i in range(sent.start, sent.end):
        if lemmas[i] not in cues.start_lemmas and lowers[i] != "according":
            continue  # most words: no rule below starts from them (a new rule's words go there)
        tok = doc[i]
        if tok.i in used:
            continue
        claim = (
            _according_to(tok, sent, cues)
            or _refusal(tok, cues)
            or _phrase_cue(tok, cues)
            or _verb_cue(tok, cues, text)
            or _noun_cue(tok, cues)
            or _light_noun_cue(tok, cues)
            or _unstated_passive(tok, cues)
            or _verb_tagged_noun(tok, cues)
        )
        if claim is None or _nobody(claim, cues):
            continue
        behind = claim_speakers.past_dateline(claim.speaker)
        if behind is not None:
            claim.speaker, claim.speaker_span = behind, syntax.phrase(behind)
        if quotes.inside_quote(text, claim.cue_start):
            # '"They told us to leave," she said': a report inside a quotation is part of
            # what the quoted speaker said, and her claim holds it
            continue
        if (
            claim.kind != "statement"
            and claim.speaker is not None
            and claim.speaker.lower_ == "you"
        ):
            continue  # "you know": a filler
        found.append(claim)
        used.add(tok.i)
    return [c for c in found if c.kind == "statement" or not _held_by_statement(c, found)]


def _held_by_statement(claim: ClaimMention, found: list[ClaimMention]) -> bool:
    """'The mayor said she thinks the bridge will hold': a belief inside what someone said is
    part of that statement, not a claim of its own."""
    return any(
        other.kind == "statement"
        and other.content_start is not None
        and other.content_start <= claim.cue_start < (other.content_end or 0)
        for other in found
        if other is not claim
    )


def _nobody(claim: ClaimMention, cues: AttributionCues) -> bool:
    span = claim.speaker_span
    return span is not None and span.text.lower().strip() in cues.nobody


def _verb_cue(tok: Token, cues: AttributionCues, text: str) -> ClaimMention | None:
    lemma = tok.lemma_.lower()
    if tok.pos_ != "VERB" or lemma not in cues.verbs:
        return None
    if (tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "up") or (
        syntax.child(tok, "dative") is not None and syntax.child(tok, "dobj") is not None
    ):
        return None  # "deficits would add up to", "deny Sanders the nomination"
    if any(c.dep_ == "prt" and c.lower_ == "off" for c in tok.children):
        return None  # "write off the costs", "called off the strike"
    if lemma == "continue" and any(c.dep_ in ("xcomp", "dobj") for c in tok.children):
        return None  # "continues to lead the field", "continued their search": no report
    outer = _outer_cue(tok, cues)
    speaker = syntax.subject_of(outer) if outer is not None else syntax.subject_of(tok)
    if outer is None:
        speaker = claim_speakers.own_subject(tok) or speaker
    if (
        speaker is None
        and tok.dep_ == "acl"
        and tok.head.head.pos_ == "VERB"
        and (
            tok.head.lemma_.lower() in cues.issued_things
            or (tok.tag_ == "VBG" and tok.head.dep_ == "dobj" and tok.nbor(-1).text == ",")
        )
    ):
        # "X issued a statement saying ...", "sent an email saying ...": X says it; so with
        # "X rejected the idea that ..., saying ...", a participle after a comma that the
        # parser hangs on the object
        speaker = syntax.subject_of(tok.head.head)
    elif (
        speaker is None
        and tok.dep_ == "acl"
        and tok.tag_ == "VBG"
        and tok.head.i < tok.i
        and tok.head.pos_ in ("NOUN", "PROPN", "NUM")
        and tok.head.lemma_.lower() not in cues.issued_things
        and syntax.child(tok, "ccomp") is not None
    ):
        # "with 50 percent saying she is prepared", "a sign saying the plant will close": the
        # noun the participle describes says it
        speaker = tok.head
    passive = None
    if speaker is not None and speaker.dep_ == "nsubjpass" and speaker.head == tok:
        by = syntax.child(tok, "agent")
        agent = syntax.child(by, "pobj") if by is not None else None
        if agent is not None:  # "the ban was first reported by the Harbor Post"
            passive, speaker = speaker, agent
    agent = claim_speakers.clause_agent(tok) if outer is None else None
    if agent is not None:
        # "Asked by a reporter whether ..., the mayor said", "As reported by the Harbor Post,
        # ...": the one asking or reporting is the agent, not the main clause's subject
        speaker = agent
    elif _asked_clause(tok):
        return None  # "When asked about the port, the mayor said": she did not ask (see below)
    misparsed = False  # the speaker is the noun the parser hung the cue on
    if speaker is None and outer is None and agent is None:
        speaker = claim_speakers.misparsed_speaker(tok)
        misparsed = speaker is not None and tok.head == speaker
    split = None  # a quotation split around cue and speaker: '"A," said X, "B."'
    if speaker is None and outer is None:
        before = quotes.quote_before(text, tok.idx)
        speaker = claim_speakers.named_after(tok) if before is not None else None
        if speaker is not None:
            name_end = speaker.right_edge
            while name_end.i > speaker.i and name_end.is_punct:
                name_end = name_end.doc[name_end.i - 1]  # the parser may hang the next mark on it
            after = quotes.quote_after(text, name_end.idx + len(name_end.text))
            split = (before[0], after[1] if after is not None else before[1])
        elif before is None and tok.dep_ == "ROOT" and tok.i - tok.sent.start > 3:
            # "<what was said>, says Anna Berg, an economist" with the name taken for the
            # subject of a sentence run on after it: the lead before the comma is the content
            speaker = claim_speakers.named_after_comma(tok)
    named_span = None  # '"...," Anna Berg, a top adviser, said': the words between
    if speaker is None and outer is None and tok.dep_ == "ROOT":
        found = claim_speakers.named_after_quote(tok, text)
        if found is not None:
            speaker, named_span, split = found
    if speaker is None or speaker.dep_ == "nsubjpass":
        return None
    if lemma in cues.person_only and (
        not _a_person_speaking(speaker, syntax.child(tok, "dobj"))
        or any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.children)
    ):
        return None  # "rebels attacked the town", "attacked the guard with a knife": acts
    if lemma in cues.thing_only and _a_person(syntax.child(tok, "dobj"), cues):
        return None  # "police questioned the suspect": an interrogation, not a report
    if speaker.lower_ == "it" and tok.tag_ == "VBG" and tok.dep_ in ("xcomp", "pcomp", "acomp"):
        return None  # "it is worth noting that", "it goes without saying": nobody says it
    own = syntax.child(tok, "nsubj")
    if (
        tok.dep_ == "relcl"
        and own is not None
        and own.tag_ not in ("WP", "WDT")
        and lemma in _PLEDGES
    ):
        return None  # "the $64 million it pledged to raise": the money is pledged, no act
    if (
        lemma in _PLEDGES
        and tok.tag_ == "VBG"
        and tok.dep_ == "advcl"
        and any(c.dep_ == "dobj" and c.lemma_.lower() in cues.agreements for c in tok.head.children)
    ):
        return None  # "signed the pact, promising to share intelligence": the pact's terms
    allowed = cues.content_deps.get(lemma)
    ccomp = None
    if allowed is None or "ccomp" in allowed:
        ccomp = syntax.child(tok, "ccomp") or _clause_in_modifier(tok)
    if ccomp is None and lemma in _QUESTIONS:
        ccomp = _question_clause(tok)
    doc = tok.doc
    cue_end_tok = tok
    reported_via = None
    obj = syntax.child(tok, "dobj", "dative")
    if lemma == "tell" and obj is not None:
        outlet = _outlet_name(obj, cues)
        if outlet:
            reported_via = outlet
            cue_end_tok = doc[syntax.phrase_bounds(obj)[1] - 1]
    quote = None
    if ccomp is not None:
        start, end = ccomp.left_edge.i, ccomp.right_edge.i + 1
        for inner in _inner_cues(ccomp, cues):
            end = min(end, _clause_start(inner))  # "... and insists ...": a claim of its own
        content = doc[start:end]
    else:
        content = None
        if allowed is None or any(_allows(c, allowed) for c in tok.children):
            content = _object_content(tok, allowed)
        if any(
            c.dep_ in ("dobj", "oprd") and c.lower_.endswith(("self", "selves"))
            for c in tok.children
        ):
            return None  # "whatever they call themselves": naming, not a claim
        if content is None and tok.tag_ == "VBG" and tok.head.lemma_.lower() in cues.verbs:
            return None  # "said, speaking on condition of anonymity": how the report was made
        if content is None and passive is not None and (allowed is None or "dobj" in allowed):
            # what was reported: the object made subject ("the reporter was called on" is not)
            content = doc[passive.left_edge.i : passive.right_edge.i + 1]
        if content is None and passive is not None:
            return None
        if content is None and misparsed:
            # "one senator called the minister 'a clown'", 'a woman yelled "Go home!"': its
            # objects, or the quotation after it; what comes before the speaker is no content
            content = _object_content(tok)
            if content is None:
                quote = quotes.quote_after(text, tok.idx + len(tok.text))
        first = min(tok.i, speaker.left_edge.i)
        lead = doc[tok.sent.start : first] if not misparsed else doc[first:first]
        if content is None and tok.dep_ == "parataxis" and tok.head.pos_ in ("VERB", "AUX"):
            # "The plan, the mayor said, would cost more.": the clause the cue interrupts
            content = doc[tok.head.left_edge.i : tok.head.right_edge.i + 1]
        elif content is None and len(lead) > 3 and lead[-1].text in (",", "”", '"', ":", "''"):
            content = lead  # "<what was said>, two officials said on Friday."
        elif content is None and tok.dep_ == "advcl" and _marked_as(tok):
            if tok.i < tok.head.i:
                # "As the mayor said, the plan would cost more.": the clause it introduces
                content = doc[tok.right_edge.i + 1 : tok.head.right_edge.i + 1]
            elif tok.head.left_edge.i < tok.left_edge.i and not any(
                c.dep_ == "xcomp" or (c.dep_ == "prep" and c.lower_ == "to") for c in tok.children
            ):
                # "The plan will cost more, as the mayor noted.": the clause before it (not
                # "as the rate continues to rise", "as she speaks to the club": a time)
                content = doc[tok.head.left_edge.i : tok.left_edge.i]
        elif content is None and tok.dep_ == "ROOT" and not any(t.is_alpha for t in lead):
            # '"We will win," he replied.' with the quotation parsed as a sentence of its own
            quote = quotes.quote_before(text, doc[first].idx)
        if content is None and quote is None and cues.kinds.get(lemma) in (None, "statement"):
            # a statement's: "knows its gist. ''...''" is someone else's quotation
            quote = _quote_after_cue(tok, max(tok.i, speaker.right_edge.i), text, allowed)
    if split is not None:
        content, quote = None, split
    if content is None and quote is None:
        return None
    return ClaimMention.at(
        tok,
        lemma,
        cues.verbs[lemma],
        speaker,
        named_span or claim_speakers.speaker_phrase(speaker, tok),
        _trim(content) if content is not None else quote,
        cue_last=cue_end_tok,
        reported_via=reported_via,
        confidence=0.85 if ccomp is not None else 0.7,
        kind=cues.kinds.get(lemma, "statement"),
    )


def _a_person_speaking(speaker: Token, obj: Token | None) -> bool:
    """A person as the subject of a cue that is an act with anyone else ("attacked"): a name
    the tagger calls a person, "he" or "she", or a bare name the tagger left untyped or took
    for an organization when the one it is aimed at is a named person ("Trump attacked
    Romney": the small model often tags a surname as an organization)."""
    if speaker.ent_type_ == "PERSON" or speaker.lower_ in ("he", "she"):
        return True
    return (
        speaker.pos_ == "PROPN"
        and speaker.ent_type_ in ("", "ORG")
        and obj is not None
        and obj.ent_type_ == "PERSON"
    )


def _a_person(tok: Token | None, cues: AttributionCues) -> bool:
    """Whether a phrase names a person or people: a name, a pronoun, an office or role, or
    one of the lexicon's people_nouns."""
    if tok is None:
        return False
    lemma = tok.lemma_.lower()
    return (
        tok.ent_type_ in ("PERSON", "NORP")
        or tok.tag_ == "PRP"
        or lemma in role_words()
        or lemma in cues.people_nouns
    )


def _noun_cue(tok: Token, cues: AttributionCues) -> ClaimMention | None:
    """'her remark that the plan had failed', 'the claim by the ministry that ...': a
    communication noun whose speaker is its possessor or its 'by' phrase and whose content
    is a 'that' clause. Without all three the noun names a thing talked about, not a claim."""
    lemma = tok.lemma_.lower()
    if tok.pos_ != "NOUN" or lemma not in cues.nouns:
        return None
    speaker = syntax.child(tok, "poss")
    if speaker is None:
        by = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        speaker = syntax.child(by, "pobj") if by is not None else None
    clause = next(
        (
            c
            for c in tok.children
            if c.dep_ in ("acl", "ccomp", "relcl")
            and c.i > tok.i
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        ),
        None,
    )
    if clause is None and speaker is not None and speaker.dep_ == "poss":
        # "his calls for a ceasefire": the object of a preposition the noun's entry names
        about = next(
            (
                syntax.child(c, "pobj")
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ in cues.noun_preps.get(lemma, ())
            ),
            None,
        )
        clause = about
    if speaker is None or clause is None:
        return None
    if speaker.pos_ == "PRON":
        speaker = syntax.pronoun_antecedent(speaker) or speaker
    content = _trim(tok.doc[clause.left_edge.i : clause.right_edge.i + 1])
    span = syntax.phrase(speaker)
    if len(span) > 1 and span[-1].dep_ == "case":
        span = span[:-1]  # "the mayor's warning": the mayor
    return ClaimMention.at(tok, lemma, cues.nouns[lemma], speaker, span, content, confidence=0.7)


def _verb_tagged_noun(tok: Token, cues: AttributionCues) -> ClaimMention | None:
    """'Trump claims he is worth more', 'Kasich brags that is good news': a cue verb in the
    present tense that the tagger took for a plural noun, left as the sentence's root with
    its subject before it and its clause after it."""
    lemma = tok.lemma_.lower()
    if (
        tok.tag_ != "NNS"
        or tok.dep_ != "ROOT"
        or lemma not in cues.verbs
        or cues.kinds.get(lemma, "statement") != "statement"
    ):
        return None
    speaker = next(
        (
            c
            for c in tok.children
            if c.dep_ == "nsubj" or (c.dep_ == "compound" and c.i == tok.i - 1)
        ),
        None,
    )
    clause = next(
        (
            c
            for c in tok.children
            if c.dep_ in ("ccomp", "relcl") and c.i > tok.i and c.pos_ in ("VERB", "AUX")
        ),
        None,
    )
    if speaker is None or clause is None or speaker.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    if clause.left_edge.i != tok.i + 1:
        return None  # the clause must follow the cue at once
    return ClaimMention.at(
        tok,
        lemma,
        cues.verbs[lemma],
        speaker,
        syntax.phrase(speaker)
        if speaker.dep_ == "nsubj"
        else tok.doc[speaker.left_edge.i : speaker.i + 1],  # "Novak" hung on "brags"
        _trim(tok.doc[clause.left_edge.i : clause.right_edge.i + 1]),
        confidence=0.7,
    )


def _light_noun_cue(tok: Token, cues: AttributionCues) -> ClaimMention | None:
    """'Cruz made an unprompted call for an end to subsidies', 'the museum issued a statement
    of concern about ...', 'she made the point that ...': a communication noun as the object
    of a light verb. The verb's subject speaks; the cue runs from the verb to the noun."""
    lemma = tok.lemma_.lower()
    stance = cues.nouns.get(lemma) or cues.light_nouns.get(lemma)
    verb = tok.head
    if (
        stance is None
        or tok.pos_ != "NOUN"
        or tok.dep_ != "dobj"
        or tok.i < verb.i
        or verb.pos_ != "VERB"
        or verb.lemma_.lower() not in cues.light_verbs
    ):
        return None
    speaker = syntax.subject_of(verb)
    if speaker is None or speaker.dep_ == "nsubjpass":
        return None
    content = _light_noun_content(tok, verb, cues.noun_preps.get(lemma, frozenset()))
    if content is None:
        return None
    return ClaimMention.at(
        verb,
        f"{verb.lemma_.lower()} {lemma}",
        stance,
        speaker,
        claim_speakers.speaker_phrase(speaker, verb),
        _trim(content),
        cue_last=tok,
        confidence=0.7,
    )


def _light_noun_content(noun: Token, verb: Token, preps: frozenset[str]) -> Span | None:
    """What a light verb's noun reports: a 'that' clause, an infinitive ('made promises to
    give'), or the object of a preposition its entry names, hung on the noun or the verb."""
    for c in (*noun.children, *verb.children):
        if c.i < noun.i:
            continue
        marks = {m.lower_ for m in c.children if m.dep_ in ("mark", "aux")}
        if c.dep_ in ("acl", "ccomp", "relcl") and marks & {"that", "to"}:
            return noun.doc[c.left_edge.i : c.right_edge.i + 1]
        obj = syntax.child(c, "pobj", "pcomp") if c.dep_ == "prep" and c.lower_ in preps else None
        if obj is not None:
            return noun.doc[obj.left_edge.i : obj.right_edge.i + 1]
    return None


def _asked_clause(tok: Token) -> bool:
    """'When asked about the port, the mayor said ...', 'Asked whether he would run, he ...':
    a question put by someone the text does not name, not by the main clause's subject."""
    return (
        tok.lemma_.lower() in _QUESTIONS
        and tok.tag_ == "VBN"
        and tok.dep_ == "advcl"
        and syntax.child(tok, *syntax.SUBJECTS, "agent") is None
    )


def _question_clause(tok: Token) -> Token | None:
    """'asked by a host if the leaks led to the attack': the parser often makes the question
    an adverbial clause ('asked for money if ...' is a condition)."""
    if any(c.dep_ == "prep" and c.lower_ == "for" for c in tok.children):
        return None
    return next(
        (
            c
            for c in tok.children
            if c.dep_ == "advcl"
            and c.i > tok.i
            and any(m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)
        ),
        None,
    )


def _unstated_passive(tok: Token, cues: AttributionCues) -> ClaimMention | None:
    """'The senator was asked to name one achievement', 'He is accused of taking bribes', 'It
    was reported that ...', 'When asked about the port, ...': a report whose speaker the text
    does not state. The claim keeps
    no speaker (speaker_kind unstated). It needs a complement of its own as content: a
    subject alone ('The figures were reported') is too often an act announced, not a claim."""
    lemma = tok.lemma_.lower()
    if (
        tok.pos_ != "VERB"
        or tok.tag_ != "VBN"
        or lemma not in cues.verbs
        or lemma in cues.person_only
        or cues.kinds.get(lemma, "statement") != "statement"
        or tok.dep_ in ("relcl", "acl", "amod")
        or syntax.child(tok, "agent", "neg") is not None
    ):
        return None
    if not _asked_clause(tok):
        aux = syntax.child(tok, "auxpass")
        if aux is None or aux.lower_ in ("'s", "’s"):
            return None  # "he's spoken out against": has spoken, and he speaks
        subject = syntax.child(tok, "nsubjpass")
        if subject is None or subject.tag_ in ("WP", "WDT"):
            return None
        if subject.lower_ == "it" and any(c.dep_ == "aux" and c.tag_ == "MD" for c in tok.children):
            return None  # "it should be noted that": nobody reports it
    allowed = cues.content_deps.get(lemma)
    ccomp = syntax.child(tok, "ccomp") if allowed is None or "ccomp" in allowed else None
    if ccomp is None and lemma in _QUESTIONS:
        ccomp = _question_clause(tok)
    if ccomp is not None:
        content = tok.doc[ccomp.left_edge.i : ccomp.right_edge.i + 1]
    elif allowed is None or any(_allows(c, allowed) for c in tok.children):
        content = _object_content(tok, allowed)
    else:
        content = None
    if content is None:
        return None
    return ClaimMention.at(
        tok, lemma, cues.verbs[lemma], None, None, _trim(content), confidence=0.6
    )


def _clause_in_modifier(tok: Token) -> Token | None:
    """'said in a statement that the delay was caused by ...': the parser hangs the 'that'
    clause on the modifier's noun; it is what was said."""
    for c in tok.children:
        obj = syntax.child(c, "pobj") if c.dep_ == "prep" and c.i > tok.i else None
        for clause in obj.children if obj is not None else ():
            if (
                clause.dep_ in ("acl", "ccomp", "relcl")
                and clause.i > obj.i
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)
            ):
                return clause
    return None


def _quote_after_cue(
    tok: Token, last: int, text: str, allowed: frozenset[str] | None
) -> tuple[int, int] | None:
    """The quotation right after a cue and its modifiers, the speaker's phrase ending at
    token `last`: 'X said in a statement: "..."' with the quotation parsed as a sentence of
    its own, or 'when a boy shouted, "..."', 'who lamented in an interview, "..."' with it
    parsed as anything but the cue's complement."""
    doc = tok.doc
    mods = {
        t.i
        for c in tok.children
        if c.dep_ in ("prep", "advmod", "npadvmod", "dative", "dobj", "nsubj")
        for t in c.subtree
    }
    # Up to the opening mark: a cue has the rest of its sentence after the quotation. A main
    # verb with no mark in its sentence may have its quotation parsed as the next sentence.
    end = next(
        (t.i for t in doc[last + 1 : tok.sent.end] if t.text in _QUOTES_OPEN or t.text == "''"),
        None,
    )
    if end is not None and not _may_hold_quote(tok, doc[end], allowed):
        return None
    if end is None and tok.dep_ != "ROOT":
        return None
    tail = doc[last + 1 : tok.sent.end if end is None else end]
    if any(t.is_alpha and t.i not in mods for t in tail):
        return None
    end_tok = max((t for t in tail if t.is_alpha), default=doc[last], key=lambda t: t.i)
    return quotes.quote_after(text, end_tok.idx + len(end_tok.text))


def _may_hold_quote(cue: Token, mark: Token, allowed: frozenset[str] | None) -> bool:
    """Whether the quotation opening at `mark` may be what the cue reports: not when it sits
    in the cue's infinitive ('would continue "to break barriers"') or in a preposition its
    entry does not take ('advise him on the "strategic threats"')."""
    # the mark itself may hang on anything: its first word says where the quotation sits
    node = mark.doc[mark.i + 1] if mark.i + 1 < len(mark.doc) else mark
    while node.head.i != node.i and node.head != cue:
        node = node.head
    if node.head != cue:
        return True  # parsed outside the cue's clause
    if node.dep_ == "xcomp" and any(c.tag_ == "TO" for c in node.children):
        return False  # an infinitive; '"Go home!"' parsed as one is the quotation
    return node.dep_ != "prep" or allowed is None or _allows(node, allowed)


def _marked_as(tok: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)


def _outer_cue(tok: Token, cues: AttributionCues) -> Token | None:
    """'X claimed that A seeks B and insists C', 'X suggested A, while hinting at B': the parser
    hangs the second cue inside the first one's clause; the speaker is still X."""
    if syntax.child(tok, *syntax.SUBJECTS) is not None or tok.dep_ not in ("conj", "advcl"):
        return None
    head = tok.head
    if head.dep_ == "ccomp" and head.head.lemma_.lower() in cues.verbs:
        return head.head
    return None


def _inner_cues(ccomp: Token, cues: AttributionCues) -> list[Token]:
    return [
        c
        for c in ccomp.children
        if c.dep_ in ("conj", "advcl")
        and c.pos_ == "VERB"
        and c.lemma_.lower() in cues.verbs
        and c.lemma_.lower() not in cues.person_only  # "... if attacked by the army"
        and syntax.child(c, *syntax.SUBJECTS) is None
    ]


def _clause_start(verb: Token) -> int:
    """Where a coordinated clause starts, with its 'and', comma or 'while'."""
    start = verb.left_edge.i
    prev = verb.doc[start - 1] if start > 0 else None
    while prev is not None and (prev.dep_ in ("cc", "punct") or prev.lower_ in ("and", "while")):
        start -= 1
        prev = verb.doc[start - 1] if start > 0 else None
    return start


def _allows(child: Token, allowed: frozenset[str]) -> bool:
    """Whether a cue's child is a complement its lexicon entry takes as content: a dependency
    label, or "prep:<word>" for one preposition ("spoke of", not "spoke at a rally")."""
    return child.dep_ in allowed or (child.dep_ == "prep" and f"prep:{child.lower_}" in allowed)


def _object_content(tok: Token, allowed: frozenset[str] | None = None) -> Span | None:
    """'accuses Maduro of involvement ...', 'denounced the actions as ...', 'hinting at ...'.
    A cue whose entry names its prepositions ("prep:of") takes those alone."""
    doc = tok.doc
    named = {a.removeprefix("prep:") for a in allowed or () if a.startswith("prep:")}
    preps = named if named and "prep" not in (allowed or ()) else _CONTENT_PREPS | named
    parts = [c for c in tok.children if c.dep_ in ("dobj", "xcomp", "oprd")]
    parts += [c for c in tok.children if c.dep_ == "prep" and c.lower_ in preps]
    if not parts:
        return None
    parts.sort(key=lambda t: t.i)
    start = min(p.left_edge.i for p in parts)
    end = parts[-1].right_edge.i + 1
    # Asides after a dash are not part of what was said.
    for i in range(start, end):
        if doc[i].text in ("—", "–"):
            end = i
            break
    return doc[start:end] if end > start else None


def _according_to(tok: Token, sent: Span, cues: AttributionCues) -> ClaimMention | None:
    if tok.lower_ != "according":
        return None
    to = syntax.child(tok, "prep")
    if to is None or to.lower_ != "to":
        if tok.i + 1 < sent.end and tok.nbor(1).lower_ == "to":
            to = tok.nbor(1)
        else:
            return None
    speaker = syntax.child(to, "pobj")
    if speaker is None:
        return None
    doc = tok.doc
    pp_start = tok.i
    pp_end = max(t.i for t in speaker.subtree) + 1
    # "According to X, <content>." or "<content>, according to X."
    leading = pp_start <= sent.start + 1
    content = doc[pp_end : sent.end] if leading else doc[sent.start : pp_start]
    if len(content) == 0:
        return None  # "... according to police" alone: nobody is quoted saying anything
    stance = next((s for words, s in cues.phrases if words == ("according", "to")), "assert")
    return ClaimMention.at(
        tok,
        "according to",
        stance,
        speaker,
        syntax.phrase(speaker),
        _trim(content),
        cue_last=to,
        confidence=0.85,
    )


def _refusal(tok: Token, cues: AttributionCues) -> ClaimMention | None:
    lemma = tok.lemma_.lower()
    for verb, complements, negated in cues.refusals:
        if lemma != verb or tok.pos_ != "VERB":
            continue
        if negated and syntax.child(tok, "neg") is None:
            continue
        comp = None
        if complements:
            comp = next(
                (
                    c
                    for c in tok.children
                    if c.dep_ in ("xcomp", "dobj") and c.lemma_.lower() in complements
                ),
                None,
            )
            if comp is None:
                continue
        speaker = syntax.subject_of(tok)
        if speaker is None:
            continue
        end_tok = comp if comp is not None and comp.i > tok.i else tok
        return ClaimMention.at(
            tok,
            f"{verb} {next(iter(sorted(complements)), '')}".strip()
            if comp is None
            else f"{verb} {comp.lemma_.lower()}",
            "decline_comment",
            speaker,
            syntax.phrase(speaker),
            cue_last=end_tok,
            confidence=0.9,
        )
    return None


def _phrase_cue(tok: Token, cues: AttributionCues) -> ClaimMention | None:
    """Verb + noun or verb + preposition cues: 'expressed concern about X', 'called on X to'."""
    doc = tok.doc
    for words, stance in cues.phrases:
        if words == ("according", "to") or tok.lemma_.lower() != words[0] or tok.pos_ != "VERB":
            continue
        obj = next(
            (
                c
                for c in tok.children
                if c.dep_ in ("dobj", "prep") and c.lemma_.lower() == words[1] and c.i > tok.i
            ),
            None,
        )
        if obj is None:
            # "is calling for the United States to step up": a clause marked by the preposition
            obj = next(
                (
                    m
                    for c in tok.children
                    if c.dep_ in ("advcl", "ccomp")
                    for m in c.children
                    if m.dep_ == "mark" and m.lower_ == words[1] and m.i == tok.i + 1
                ),
                None,
            )
        if obj is None:
            continue
        if obj.dep_ == "prep" and syntax.child(tok, "dobj") is not None:
            continue  # "called a meeting for Monday" is not "called for"
        speaker = syntax.subject_of(tok) or claim_speakers.misparsed_speaker(tok)
        if speaker is None or speaker.dep_ == "nsubjpass":
            continue  # "the journalist had not been called on"
        if obj.dep_ == "mark":
            content = doc[obj.i + 1 : obj.head.right_edge.i + 1]
        elif obj.dep_ == "prep":  # "called on Ankara to withdraw": addressee and the request
            parts = [c for c in (*obj.children, *tok.children) if c.dep_ in ("pobj", "xcomp")]
            content = (
                doc[min(p.left_edge.i for p in parts) : max(p.right_edge.i for p in parts) + 1]
                if parts
                else None
            )
        else:
            about = syntax.prep_object(obj, _CONTENT_PREPS) or syntax.prep_object(
                tok, _CONTENT_PREPS
            )
            content = doc[about.left_edge.i : about.right_edge.i + 1] if about is not None else None
        return ClaimMention.at(
            tok,
            " ".join(words),
            stance,
            speaker,
            claim_speakers.speaker_phrase(speaker, tok),
            _trim(content) if content is not None else (None, None),
            cue_last=obj,
            confidence=0.75,
        )
    return None


def _outlet_name(tok: Token, cues: AttributionCues) -> str | None:
    span = syntax.phrase(tok)
    text = span.text.strip()
    lower = text.lower()
    outlet = cues.outlet_names.get(lower) or cues.outlet_names.get(lower.removeprefix("the "))
    if outlet is not None:
        return outlet
    if tok.ent_type_ == "ORG" and tok.pos_ == "PROPN":
        return text
    return None


# The longest content a claim keeps, in characters (ten times the longest in the shipped
# articles). In an endless run-on sentence the parse can give every cue the rest of the
# sentence as its content: n claims of n characters each, 700 MB of claims from a 140 KB
# text of 10,000 quotation marks. Longer content is cut at the last whole word in reach.
_CONTENT_MAX_CHARS = 2_000


def _trim(span: Span) -> tuple[int, int]:
    """Character bounds of span without edge commas and final stops; a content that ends
    inside a quotation keeps its closing mark."""
    doc = span.doc
    start, end = span.start, span.end

    def edge(tok, keep: str) -> bool:
        return tok.is_space or (tok.is_punct and tok.text not in keep)

    while start < end and edge(doc[start], _QUOTES_OPEN):
        start += 1
    while end > start and edge(doc[end - 1], _QUOTES_CLOSE):
        end -= 1
    if start >= end:
        start, end = span.start, span.end
    reach = doc[start].idx + _CONTENT_MAX_CHARS
    if doc[end - 1].idx + len(doc[end - 1].text) > reach:
        cut = start + 1
        while cut < end and doc[cut].idx + len(doc[cut].text) <= reach:
            cut += 1
        end = cut
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
