"""Where a cue's speaker is when the parse does not hang it where a subject goes: past a
dateline, hung on the noun before the cue or on an earlier noun as an apposition, after the
cue between two halves of a quotation, or the agent of a participle clause."""

from __future__ import annotations

from spacy.tokens import Span, Token

from pipelines.extract import quotes, syntax

_DASHES = ("—", "–", "-", "―")
_NOUNS = ("PROPN", "NOUN", "PRON")


def past_dateline(speaker: Token | None) -> Token | None:
    """'CLEVELAND, July 19 (UPI) — Former Attorney General Michael Mukasey told ...': the
    parser makes the dateline the subject and the person an apposition after the dash."""
    if speaker is None:
        return None
    dash = next((c for c in speaker.children if c.text in _DASHES and c.i > speaker.i), None)
    if dash is None:
        return None
    return next((c for c in speaker.children if c.dep_ == "appos" and c.i > dash.i), None)


def speaker_phrase(speaker: Token, cue: Token) -> Span:
    """The speaker's phrase, ended before its cue when the parser hung the cue on it, and
    without a leading modifier hung on it when it was taken for the sentence's root ("On
    Sunday, Anna Berg, the front-runner, called on ...")."""
    span = syntax.phrase(speaker)
    doc, start, end = span.doc, span.start, span.end
    if start <= speaker.i < cue.i < end:
        end = cue.i
        while end > speaker.i + 1 and doc[end - 1].is_punct:
            end -= 1
    for c in speaker.children:
        if c.dep_ in ("prep", "npadvmod") and c.i < speaker.i and speaker.dep_ == "ROOT":
            start = max(start, c.right_edge.i + 1)
    while start < speaker.i and doc[start].is_punct:
        start += 1
    return doc[start:end]


def own_subject(cue: Token) -> Token | None:
    """The cue's own subject where the general rule reads the wrong one: of two subjects the
    parser gave it, the one next to it ("... for people with bogus ideas to organize, she
    said"); a pronoun after what it reports, as written ("Russia's gains, they said, could
    last" or "The plan will fail, they said": 'they' is not the gains nor the plan)."""
    subjects = [c for c in cue.children if c.dep_ in syntax.SUBJECTS and c.i < cue.i]
    if not subjects:
        return None
    own = subjects[-1]
    inverted = cue.dep_ == "parataxis" or (
        cue.dep_ == "advcl"
        and cue.head.i < cue.i
        and not any(c.dep_ == "mark" for c in cue.children)
        and cue.doc[own.left_edge.i - 1].text == ","
    )
    return own if len(subjects) > 1 or (own.pos_ == "PRON" and inverted) else None


def misparsed_speaker(tok: Token) -> Token | None:
    """The speaker of a cue the parser left with no subject: taken for a reduced relative
    clause of the noun before it, or with the speaker hung on an earlier noun as an
    apposition."""
    return _relative_misparse(tok) or _apposition_before(tok)


def _relative_misparse(tok: Token) -> Token | None:
    """'a man yelled "Go home!"', 'Novak, the head of the fund, tweeted on Friday', 'one
    lawmaker called the senator "a clown"': a finite cue hung on the noun before it as if it
    were a reduced relative clause ('the plan rejected on Monday'). It is a misparse when the
    verb is in a finite tense, when the noun is the sentence's root (no main verb was found),
    or when the verb has both an object and its predicate ('called X a Y')."""
    head, doc = tok.head, tok.doc
    if tok.dep_ != "acl" or head.pos_ not in _NOUNS or head.i > tok.i or tok.i == 0:
        return None
    if tok.tag_ not in ("VBD", "VBZ", "VBP", "VBN"):
        return None  # "the refusal to call it a crime"
    if doc[tok.i - 1].text == "," and not _after_apposition(head, tok):
        return None  # "a blog, called the Feed, ...", not "Berg, the front-runner, called on"
    finite = tok.tag_ != "VBN"
    naming = sum(c.dep_ in ("dobj", "oprd") for c in tok.children) >= 2
    return head if finite or naming or head.dep_ == "ROOT" else None


def _after_apposition(head: Token, tok: Token) -> bool:
    """Whether the comma before tok closes an apposition of head ("Berg, the front-runner,")."""
    return any(c.dep_ == "appos" and c.right_edge.i == tok.i - 2 for c in head.children)


def _apposition_before(tok: Token) -> Token | None:
    """'In an interview with two hosts, the candidate stated that ...', 'As part of the deal,
    Jan Novak, 44, said ...': the phrase right before the cue, after a comma, hung on an
    earlier noun as its apposition. The outermost apposition is the speaker ('the campaign
    chief, Anna Berg, bluntly suggested')."""
    doc, start = tok.doc, tok.sent.start
    if tok.dep_ != "ROOT":
        return None  # "the author, a book calling for ...": a clause of the apposition itself
    prev = tok.i - 1
    while prev > start and (doc[prev].is_punct or doc[prev].pos_ == "ADV"):
        prev -= 1  # "..., bluntly suggested", "Novak, 44, said"
    if prev <= start:
        return None
    node = doc[prev]
    if node.dep_ == "compound":
        node = node.head
    if node.dep_ != "appos":
        return None
    while node.head.dep_ == "appos" and node.head.i < node.i:
        node = node.head
    left = node.left_edge.i
    if node.pos_ not in ("NOUN", "PROPN") or left <= start or doc[left - 1].text != ",":
        return None
    return node


def clause_agent(tok: Token) -> Token | None:
    """The 'by' agent of a participle clause with no subject of its own."""
    if tok.tag_ != "VBN" or tok.dep_ != "advcl" or syntax.child(tok, "nsubjpass") is not None:
        return None
    by = syntax.child(tok, "agent")
    return syntax.child(by, "pobj") if by is not None else None


def named_after(cue: Token) -> Token | None:
    """'"The risk," said Anna Berg, an economist, "is that ..."': a quotation split around the
    cue, which the parser hangs off the second half with the speaker as that half's subject.
    The speaker is the noun phrase right after the cue."""
    if cue.i + 1 >= cue.sent.end:
        return None
    tok = cue.doc[cue.i + 1]
    while tok.head.i > cue.i and tok.head.left_edge.i == cue.i + 1 and tok.head.pos_ in _NOUNS:
        tok = tok.head
    if tok.pos_ in _NOUNS:
        return tok
    # 'said Skelly,': a name the tagger did not know, taken for an adverb
    after = cue.doc[tok.i + 1] if tok.i + 1 < len(cue.doc) else None
    name = tok.is_title and tok.pos_ in ("ADV", "ADJ") and tok.head == cue
    return tok if name and after is not None and after.is_punct else None


def named_after_comma(cue: Token) -> Token | None:
    """'<what was said>, says Anna Berg, an economist': a name right after a cue that follows
    a comma, parsed as the subject of a sentence run on after it (not the cue's object:
    '..., told the Harbor Post')."""
    if cue.nbor(-1).text != ",":
        return None
    name = named_after(cue)
    if name is None or name.pos_ == "PRON" or (name.head == cue and name.dep_ != "nsubj"):
        return None
    return name


def named_after_quote(cue: Token, text: str) -> tuple[Token, Span, tuple[int, int]] | None:
    """'"It is no time to relax," Anna Berg, a top adviser to the mayor, said on Monday': a
    cue with no subject, the quotation closing right before the words that name the speaker,
    which the parser took into the quotation's clause. Those words are the speaker's phrase,
    its head the word they hang on, and the quotation the content."""
    doc = cue.doc
    mark = next(
        (
            i
            for i in range(cue.i - 1, max(cue.sent.start, cue.i - _NAMED_REACH) - 1, -1)
            if doc[i].text in ("”", '"', "''")
        ),
        None,
    )
    if mark is None:
        return None
    start, end = mark + 1, cue.i
    while start < end and doc[start].is_punct:
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].pos_ == "ADV"):
        end -= 1
    if start >= end:
        return None
    head = next((t for t in doc[start:end] if not start <= t.head.i < end), None)
    quote = quotes.quote_before(text, doc[start].idx)
    if head is None or head.pos_ not in _NOUNS or quote is None:
        return None
    for c in head.children:
        if c.dep_ == "relcl" and start < c.left_edge.i < end:
            end = c.left_edge.i  # "a source, who was not authorized to speak, told": a source
    while end > head.i + 1 and doc[end - 1].is_punct:
        end -= 1
    return head, doc[start:end], quote


# How many words may name the speaker between a quotation and its cue.
_NAMED_REACH = 25
