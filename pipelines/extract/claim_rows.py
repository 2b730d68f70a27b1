"""Claim mentions to claim rows: the speaker resolved and classified (named person, anonymous
official, government, organization, outlet), the outlet a claim reached us through, the
content stretched to its whole quotation."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from pipelines.extract import quotes, syntax
from pipelines.extract.actors import PERSON_PRONOUNS, Actor, ActorResolver, name_words
from pipelines.extract.claims import ClaimMention
from pipelines.extract.quantities import parse_number
from pipelines.extract.rows import ArticleInput, ClaimRow, stable_id
from pipelines.extract.rules import AttributionCues, SpeakerWords, role_words

# Claims looked at, nearest first, for the one enclosing an event (see ClaimIndex).
_NESTED_CLAIMS = 50


@dataclass
class Speakers:
    """What one article says about its speakers, gathered as its claims are read in order."""

    article: ArticleInput
    resolver: ActorResolver
    cues: AttributionCues
    words: SpeakerWords
    # Head lemmas of speakers the article calls unnamed anywhere ("The people, who asked not
    # to be named, ..."): every claim by unnamed "people" is anonymous, before or after.
    unnamed: set[str]
    told_outlets: dict[str, str] = field(default_factory=dict)  # head lemma -> outlet
    # People who spoke so far, dictionary or not, for "he said", "Novak said" and "the
    # minister said" further on (issue #17: every claim's speaker named).
    last_person: Actor | None = None
    by_surname: dict[str, Actor] = field(default_factory=dict)
    by_role: dict[str, Actor] = field(default_factory=dict)
    last_speaker: tuple[Actor, str, bool] | None = None  # actor, speaker kind, anonymous

    @classmethod
    def of(
        cls,
        article: ArticleInput,
        doc: Doc,
        text: str,  # doc.text, built once by the caller
        resolver: ActorResolver,
        cues: AttributionCues,
        words: SpeakerWords,
    ) -> Speakers:
        return cls(article, resolver, cues, words, _anonymity_heads(doc, text, cues, words))


def claim_row(speakers: Speakers, sentence_index: int, cm: ClaimMention) -> ClaimRow:
    text = speakers.article.text
    speaker_text = cm.speaker_span.text if cm.speaker_span is not None else None
    head = cm.speaker
    thing = head is not None and head.lemma_.lower() in speakers.cues.issued_things
    issuer = _issuer(head) if thing else None
    if thing and issuer is None and speakers.last_speaker is not None:
        # "The statement said": issued by the last speaker named before it
        actor, kind, anonymous = speakers.last_speaker
    else:
        who = replace(cm, speaker=issuer, speaker_span=syntax.phrase(issuer)) if issuer else cm
        actor, remembered = (
            _speaker_actor(who, speakers) if who.speaker is not None and speaker_text
            else (None, False)
        )  # fmt: skip
        kind, anonymous = (
            ("named_person", False) if remembered else _speaker_kind(who, actor, speakers)
        )
        if actor is not None and actor.kind == "person" and not anonymous:
            _remember(who, actor, speakers)
    if actor is not None and not thing:
        speakers.last_speaker = (actor, kind, anonymous)
        if head is not None and head.pos_ != "PRON":
            speakers.resolver.subject_named(actor)
    count = None
    if head is not None:
        num = next((c for c in head.children if c.dep_ == "nummod"), None)
        if num is not None:
            value = parse_number([num.text])
            count = int(value) if value and value >= 1 and value == int(value) else None
    head_lemma = head.lemma_.lower() if head is not None else ""
    reported_via = cm.reported_via
    if reported_via and anonymous:
        speakers.told_outlets[head_lemma] = reported_via
    elif reported_via is None and anonymous:
        reported_via = speakers.told_outlets.get(head_lemma)
    if kind == "outlet" and reported_via is None:
        reported_via = speaker_text  # "Reuters reported"
    content = None
    c_start, c_end = cm.content_start, cm.content_end
    if c_start is not None:
        c_start, c_end = quotes.extend_open_quote(text, c_start, c_end)
        content = text[c_start:c_end]
    channel, platform = _channel(cm, speakers.cues, kind)
    return ClaimRow(
        claim_id=stable_id(speakers.article.article_id, "claim", cm.cue_start, cm.cue_end),
        article_id=speakers.article.article_id,
        sentence_index=sentence_index,
        start_char=cm.cue_start,
        end_char=cm.cue_end,
        speaker_text=speaker_text,
        speaker_actor_id=actor.actor_id if actor else None,
        speaker_kind=kind,
        speaker_count=count,
        anonymous=anonymous,
        cue=text[cm.cue_start : cm.cue_end],
        cue_lemma=cm.cue_lemma,
        stance=cm.stance,
        kind=cm.kind,
        content=content,
        content_start=c_start,
        content_end=c_end,
        direct_quote=bool(content) and quotes.is_direct_quote(content),
        reported_via=reported_via,
        channel=channel,
        platform=platform,
        confidence=cm.confidence,
    )


class ClaimIndex:
    """The innermost claim whose content holds an offset. Only claims starting before the
    offset are looked at, nearest first, and a bounded number of them: a pathological sentence
    with thousands of claims stays linear."""

    def __init__(self, claims: list[ClaimRow]):
        self.spans = sorted(
            (c for c in claims if c.content_start is not None), key=lambda c: c.content_start
        )
        self.starts = [c.content_start for c in self.spans]

    def enclosing(self, pos: int) -> str | None:
        best = None
        upto = bisect.bisect_right(self.starts, pos)
        for c in reversed(self.spans[max(0, upto - _NESTED_CLAIMS) : upto]):
            size = c.content_end - c.content_start
            if pos < c.content_end and (best is None or size < best[0]):
                best = (size, c.claim_id)
        return best[1] if best else None


_PERSONAL = PERSON_PRONOUNS | {"his"}


def _speaker_actor(cm: ClaimMention, speakers: Speakers) -> tuple[Actor | None, bool]:
    """The actor behind a speaker, and whether it is a person named earlier in the article: a
    pronoun, a surname or "the <role>" is the person last named that way, dictionary or not;
    a phrase with a name in it ("Foreign Minister Jan Novak") is that name's person."""
    head, span, resolver = cm.speaker, cm.speaker_span, speakers.resolver
    text = span.text
    remembered: Actor | None = None
    names = name_words(span)
    det = next((c.lower_ for c in head.children if c.dep_ == "det"), None)
    # The people who spoke come first; then those the article named as the actors of events
    # ("Minister Jan Novak met ... The minister said"), whom the resolver remembers.
    if head.pos_ == "PRON":
        actor = resolver.resolve_pronoun(head.text)
        if actor is None and head.lower_ == "it":
            actor = resolver.last_body  # "The ministry said ... It also said"
            if actor is not None:
                resolver.note(actor, text)
        if actor is not None or head.lower_ not in _PERSONAL:
            return actor, False
        remembered = speakers.last_person or resolver.last_named_person  # outside the dictionary
    elif len(names) == 1:
        surname = names[0].lower_  # "Novak said", "Mr. Novak said"
        remembered = speakers.by_surname.get(surname) or resolver.by_surname.get(surname)
    elif not names and det == "the" and head.tag_ != "NNS":
        role = head.lemma_.lower()  # "the minister", not "the ministers"
        remembered = speakers.by_role.get(role) or resolver.by_head.get(role)
    if remembered is not None:
        resolver.note(remembered, text)
        return remembered, True
    if head.pos_ == "PRON":
        return None, False
    actor = resolver.lookup(text, head.lemma_, head.ent_type_ or None)
    person = (
        None
        if actor.in_dictionary
        else next((e for e in syntax.span_ents(span) if e.label_ == "PERSON"), None)
        or syntax.role_apposition(head, role_words())
    )
    if person is not None and person.text != text:
        # "Foreign Minister Jan Novak": the person, named by the name alone
        return resolver.resolve(person.text, person.root.lemma_, "PERSON"), False
    return resolver.resolve(text, head.lemma_, head.ent_type_ or None), False


def _issuer(thing: Token) -> Token | None:
    """Who issued a statement or post: "the ministry's statement", "his post", "a statement
    from the ministry", "a White House statement"."""
    for c in thing.children:
        if c.dep_ == "poss":
            return c
        if c.dep_ == "prep" and c.lower_ in ("from", "by", "of"):
            obj = next((o for o in c.children if o.dep_ == "pobj"), None)
            if obj is not None and obj.lemma_.lower() not in ("support", "intent"):
                return obj
    names = [c for c in thing.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    return names[-1] if names else None


def _remember(cm: ClaimMention, actor: Actor, speakers: Speakers) -> None:
    speakers.last_person = actor
    words = actor.name.split()
    if len(words) >= 2:
        speakers.by_surname[words[-1].lower()] = actor
    roles = role_words()
    for tok in cm.speaker_span:
        if tok.lemma_.lower() in roles and tok.pos_ in ("NOUN", "PROPN"):
            speakers.by_role[tok.lemma_.lower()] = actor


def _anonymity_heads(doc: Doc, text: str, cues: AttributionCues, words: SpeakerWords) -> set[str]:
    heads: set[str] = set()
    for sent in doc.sents:
        # sent.text joins its tokens afresh: the slice of the document's text is the same
        low = text[sent.start_char : sent.end_char].lower()
        if not any(cue in low for cue in cues.anonymity_cues):
            continue
        for tok in sent:
            # "The officials spoke on condition of anonymity": the subject of that very verb
            if (
                tok.pos_ == "NOUN"
                and tok.dep_ == "nsubj"
                and tok.head.lemma_ in words.anonymity_verbs
            ):
                heads.add(tok.lemma_.lower())
    return heads


def _anonymity_scope(cm: ClaimMention) -> str:
    """The words that can make this speaker anonymous: the speaker's own phrase ("officials,
    who requested anonymity") and the cue's modifiers ("said, speaking on condition of
    anonymity"), not another claim in the same sentence."""
    head = cm.speaker
    ids = {t.i for t in head.subtree}
    cue = head.doc[cm.cue_i]
    if cue.idx == cm.cue_start:
        for c in cue.children:
            if c.dep_ in ("advcl", "prep", "npadvmod", "advmod", "parataxis", "conj"):
                ids.update(t.i for t in c.subtree)
    lowers = syntax.lowers(head.doc)
    return " ".join(lowers[i] for i in sorted(ids))


def _speaker_kind(cm: ClaimMention, actor: Actor | None, speakers: Speakers) -> tuple[str, bool]:
    """The speaker's kind (schemas.codes.SPEAKER_KINDS) and whether they are anonymous."""
    head = cm.speaker
    if head is None:
        return "unstated", True  # "he was asked to ...": nobody named, and no one to name
    cues, words = speakers.cues, speakers.words
    span = cm.speaker_span
    lemma = head.lemma_.lower()
    has_name = any(t.ent_type_ == "PERSON" for t in span) if span is not None else False
    # "The group's commander, Wilmer Quinones,": a role with a proper name beside it, whatever
    # the entity recogniser called the name.
    roles = role_words()
    has_name = has_name or syntax.role_apposition(head, roles) is not None
    scope = _anonymity_scope(cm)
    anonymity = any(cue in scope for cue in cues.anonymity_cues)
    if actor is not None and actor.kind == "person" and actor.in_dictionary:
        return "named_person", False
    if has_name:  # "the group's commander, Wilmer Quinones,"
        return "named_person", False
    if span is not None and span.text.strip().lower() in cues.outlet_names:
        return "outlet", False
    if lemma in cues.anonymous_nouns or anonymity or lemma in speakers.unnamed:
        return "anonymous_official", True
    if actor is not None and actor.in_dictionary:
        if actor.kind == "country" or actor.sector in ("GOV", "MIL", "COP"):
            return "government", False
        return "organization", False
    if lemma in words.government_heads:
        return "government", False
    if lemma in words.organization_heads or head.ent_type_ == "ORG":
        return "organization", False
    if head.ent_type_ == "PERSON" or (head.pos_ == "PROPN" and re.match(r"[A-Z]", head.text)):
        return "named_person", False
    return "other", False


# The cue's modifiers that can say how a claim was made: "said in a statement", "told a news
# conference", "wrote on Truth Social"; never its content.
_CHANNEL_DEPS = ("prep", "npadvmod", "advmod", "dobj", "dative", "agent")


def _channel(
    cm: ClaimMention, cues: AttributionCues, speaker_kind: str
) -> tuple[str | None, str | None]:
    """(channel, platform) of a claim: schemas.codes.CHANNELS, and the social network named."""
    if cm.speaker is None:
        return None, None
    doc = cm.speaker.doc
    cue = doc[cm.cue_i]
    ids = {cue.i}
    if cue.dep_ == "acl":
        ids.add(cue.head.i)  # "issued a statement saying"
    if cm.speaker_span is not None:
        ids.update(t.i for t in cm.speaker_span)
    for c in cue.children:
        if c.dep_ in _CHANNEL_DEPS:
            ids.update(t.i for t in c.subtree)
    toks = [doc[i] for i in sorted(ids)]
    # each token's word forms, read once for every platform and channel looked for
    forms = [(t.lower_, t.lemma_.lower()) for t in toks]
    present = {f for pair in forms for f in pair}
    platform = next(
        (name for name, words in cues.platforms if _has_words(toks, forms, present, words)),
        None,
    )
    common = [k for k, t in enumerate(toks) if t.pos_ != "PROPN"]  # "told Harbor Post": no post
    toks, forms = [toks[k] for k in common], [forms[k] for k in common]
    present = {f for pair in forms for f in pair}
    channel = next(
        (name for name, words in cues.channels if _has_words(toks, forms, present, words)),
        None,
    )
    if channel is None and platform is not None:
        channel = "social_media"
    if channel is None and speaker_kind == "outlet":
        channel = "news_outlet"  # "Reuters reported"
    elif channel is None and cm.reported_via is not None:
        channel = "interview"  # "told Reuters"
    return channel, platform


def _has_words(
    toks: list, forms: list[tuple[str, str]], present: set[str], words: tuple[str, ...]
) -> bool:
    """Whether one of the phrases `words` is in toks, whose word forms (lower case, lemma)
    are `forms`, all of them `present`."""
    for phrase in words:
        parts = phrase.split()
        if len(phrase) > 1 and parts[0] not in present:
            continue  # its first word is nowhere: no window to try
        for k in range(len(toks) - len(parts) + 1):
            if len(parts) == 1 and len(phrase) == 1:
                # "X": only as written, after "on"
                t = toks[k]
                if t.text == phrase.upper() and t.i > 0 and t.doc[t.i - 1].lower_ == "on":
                    return True
                continue
            window = forms[k : k + len(parts)]
            if all(w in pair for w, pair in zip(parts, window, strict=True)):
                return True
    return False
