"""Load and validate the rule data files: triggers, attribution cues, modality cues, speakers."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.lexicons import load_data_file, require, str_list
from schemas.codes import CHANNELS, CLAIM_KINDS, MODALITIES, PLOVER_TYPES, STANCES

_POS = {"VERB", "NOUN", "ADJ"}


@dataclass(frozen=True)
class Trigger:
    lemma: str
    event_type: str
    pos: frozenset[str]
    mode: str | None = None
    subject_any: frozenset[str] = frozenset()
    object_any: frozenset[str] = frozenset()
    object_not: frozenset[str] = frozenset()  # not when the object is one of these
    governor_any: frozenset[str] = frozenset()
    prep_any: frozenset[str] = frozenset()
    object_is_instrument: bool = False
    object_is_topic: bool = False  # "discussed the border": what is talked about, no party
    object_named: bool = False  # the object must be a named party ("called King Salman")
    modifier_any: frozenset[str] = frozenset()
    # what the object is called: "called the drills a provocation", "described it as a sham"
    complement_any: frozenset[str] = frozenset()
    infinitive: bool = False  # counts only with a to-infinitive: "offered to mediate"
    # counts only when a clause it takes says one of these will or would be done: "warned
    # that Moscow would retaliate"
    clause_any: frozenset[str] = frozenset()
    modality: str | None = None
    confidence: float = 0.8
    plover: str | None = None  # the root PLOVER's own coding gives the act, when not its type


@dataclass(frozen=True)
class EventType:
    """What a PLOVER type is besides its words: triggers.yaml `event_types` (flags explained
    there)."""

    name: str
    quad_class: int
    symmetric: bool = False  # two parties: coordinated subjects are actor1 and actor2
    theme_object: frozenset[str] | None = None  # object is a theme; these preps name a target
    referring: bool = False  # takes a reported event as its object
    judging: bool = False  # an event named as its object was done by actor2
    content: bool = False  # its complement is its content, not an event
    acted_on: bool = False  # object conditions name a kind of target
    announced: str | None = None  # PLOVER's root for the act when only announced or planned
    failed: str | None = None  # PLOVER's root for the act when negated ("failed to reach a deal")
    peacekeeping: str | None = None  # the type of this type's act done to keep the peace


_FLAGS = ("symmetric", "referring", "judging", "content", "acted_on")
_TOP_LEVEL = {
    "version",
    "event_types",
    "light_verbs",
    "instruments",
    "permission_verbs",
    "suspicion_verbs",
    "said_things",
    "peacekeeping_words",
    "part_nouns",
    "purpose_verbs",
    "responsibility_nouns",
    "obligation_modals",
    "refusals",
    "types",
    "examples",
}


@dataclass(frozen=True)
class Refusals:
    """A cooperative act someone says they will not do is a REJECT (PLOVER codes refusals so):
    "France will not lift the ban", "refused to meet the envoy", "will not end the strike".
    An act that failed ("failed to reach a deal") or did not happen keeps its type, negated."""

    types: frozenset[str]  # the acts a refusal turns into a REJECT
    future_aux: frozenset[str]  # "will not", "won't", "would not": a refusal, not a report
    verbs: frozenset[str]  # "refused to", "declined to"
    ending_verbs: frozenset[str]  # "will not end the strike": refusing to end a protest


@dataclass(frozen=True)
class TriggerLexicon:
    types: dict[str, EventType]  # every PLOVER type, in file order
    light_verbs: frozenset[str]
    by_lemma: dict[str, tuple[Trigger, ...]]  # lemma -> entries (several types may share one)
    examples: dict[str, str]  # type -> an example sentence (docs/codebook.md, tested)
    instruments: frozenset[str] = frozenset()  # weapons and means: never an actor on their own
    permission_verbs: frozenset[str] = frozenset()  # "not authorised to talk": no event
    suspicion_verbs: frozenset[str] = frozenset()  # "suspected of plotting": no event
    said_things: frozenset[str] = frozenset()  # "rejected the charge": what was said, no party
    peacekeeping_words: frozenset[str] = frozenset()  # a sentence about keeping the peace
    part_nouns: frozenset[str] = frozenset()  # "a new phase of operations": the act stands in
    purpose_verbs: frozenset[str] = frozenset()  # "arrived in Moscow for talks": who talks
    responsibility_nouns: frozenset[str] = frozenset()  # "claimed responsibility for": doer
    obligation_modals: frozenset[str] = frozenset()  # "said Israel must end": a request
    refusals: Refusals | None = None  # "will not lift the ban": a REJECT

    def lookup(self, lemma: str, pos: str) -> tuple[Trigger, ...]:
        entries = self.by_lemma.get(lemma.lower())
        if entries is None:  # asked of nearly every word: most are no trigger
            return ()
        return tuple(t for t in entries if pos in t.pos)


@dataclass(frozen=True)
class AttributionCues:
    verbs: dict[str, str]  # lemma -> stance
    # lemma -> claim kind (schemas.codes.CLAIM_KINDS); a verb not listed is a statement
    kinds: dict[str, str]
    # lemma -> the complements (dependency labels) that make a content; a verb not listed
    # takes any: "called the killings a cowardly act" (oprd) is a claim, "called a meeting" not
    content_deps: dict[str, frozenset[str]]
    phrases: tuple[tuple[tuple[str, ...], str], ...]
    refusals: tuple[tuple[str, frozenset[str], bool], ...]  # verb, complements, needs negation
    anonymous_nouns: frozenset[str]
    nobody: frozenset[str]  # speakers that are no one in particular: "everyone knows"
    anonymity_cues: tuple[str, ...]
    outlets: tuple[str, ...]
    channels: tuple[tuple[str, tuple[str, ...]], ...] = ()  # channel -> words, in file order
    platforms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # platform name -> words
    issued_things: frozenset[str] = frozenset()  # "the statement said": not the speaker
    # "signed the pact, promising to ...": a pledge that is the document's terms
    agreements: frozenset[str] = frozenset()
    # cue lemmas that report speech only with a person speaking ("Smith attacked the plan"):
    # with anyone else they are acts ("rebels attacked the town")
    person_only: frozenset[str] = frozenset()
    # cue lemmas that report speech only of a thing, not a person ("questioned the plan's
    # cost" is a claim, "questioned the suspect" an interrogation)
    thing_only: frozenset[str] = frozenset()
    people_nouns: frozenset[str] = frozenset()  # objects that are people, for thing_only
    # noun lemma -> stance: "her remark that ...", "the claim by X that ..."
    nouns: dict[str, str] = field(default_factory=dict)
    # noun lemma -> the prepositions whose object is its content without a "that" clause
    # ("his calls for a ceasefire")
    noun_preps: dict[str, frozenset[str]] = field(default_factory=dict)
    # "made a call for", "issued a statement of concern about": verbs whose object noun (an
    # entry of nouns, or of light_nouns: nouns that are claims only there) names the report
    light_verbs: frozenset[str] = frozenset()
    light_nouns: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def start_lemmas(self) -> frozenset[str]:
        """Every lemma a claim cue starts from: verbs, nouns, light nouns, refusal verbs and
        the first words of phrases. find_claims passes over any other word ("according" aside,
        read as written) without trying its rules one by one."""
        firsts = {words[0] for words, _ in self.phrases}
        refusing = {verb for verb, _, _ in self.refusals}
        return frozenset(self.verbs) | set(self.nouns) | set(self.light_nouns) | firsts | refusing

    @functools.cached_property
    def outlet_names(self) -> dict[str, str]:
        """Each outlet by its lower-cased name: looked up for every speaker and object."""
        return {o.lower(): o for o in reversed(self.outlets)}  # the first listed wins


@dataclass(frozen=True)
class SpeakerWords:
    """speakers.yaml: head nouns that say what kind of source a speaker is."""

    role_heads: frozenset[str]
    government_heads: frozenset[str]
    organization_heads: frozenset[str]
    anonymity_verbs: frozenset[str]


@dataclass(frozen=True)
class ModalityCues:
    denied: frozenset[str]
    negators: frozenset[str]
    planned: frozenset[str]
    planned_adj: frozenset[str]
    expected: frozenset[str]
    expected_aux: frozenset[str]
    possible_aux: frozenset[str]
    possible: frozenset[str]
    possible_adj: frozenset[str] = field(default_factory=frozenset)
    negated_gov: frozenset[str] = field(default_factory=frozenset)  # "failed to reach a deal"


@functools.cache
def trigger_lexicon() -> TriggerLexicon:
    path, data = load_data_file("triggers.yaml")
    unknown = ", ".join(sorted(map(str, set(data) - _TOP_LEVEL)))
    # symmetric_types, theme_object_types and quad_class were sections of their own before
    # they became per-type entries: an older file must fail, not lose them silently.
    message = f"unknown section; the sections are {sorted(_TOP_LEVEL)} (event_types holds a "
    require(not unknown, path, unknown, message + "type's quad class and flags)")
    event_types = _event_types(path, data.get("event_types"))
    types = data.get("types")
    require(isinstance(types, dict), path, "types", "expected a mapping of PLOVER type -> entries")
    by_lemma: dict[str, list[Trigger]] = {}
    for etype, entries in types.items():
        require(etype in PLOVER_TYPES, path, f"types.{etype}", f"not a PLOVER type {PLOVER_TYPES}")
        require(isinstance(entries, list), path, f"types.{etype}", "expected a list of entries")
        for i, entry in enumerate(entries):
            where = f"types.{etype}[{i}]"
            if isinstance(entry, str):
                entry = {"lemma": entry}
            require(isinstance(entry, dict), path, where, "expected a lemma or a mapping")
            unknown = set(entry) - {
                "lemma",
                "pos",
                "mode",
                "subject_any",
                "object_any",
                "object_not",
                "governor_any",
                "prep_any",
                "object",
                "modifier_any",
                "complement_any",
                "infinitive",
                "clause_any",
                "object_named",
                "modality",
                "confidence",
                "plover",
            }
            require(not unknown, path, where, f"unknown keys {sorted(unknown)}")
            require(
                entry.get("plover") in (None, *PLOVER_TYPES),
                path,
                where,
                f"plover must be a PLOVER type {PLOVER_TYPES}",
            )
            lemma = entry.get("lemma")
            require(isinstance(lemma, str) and lemma.strip(), path, where, "lemma is required")
            pos = frozenset(str_list(entry.get("pos", ["VERB"]), path, f"{where}.pos"))
            require(pos <= _POS, path, where, f"pos must be among {sorted(_POS)}")
            require(
                entry.get("object", "target") in ("target", "instrument", "topic"),
                path,
                where,
                "object must be target, instrument or topic",
            )
            require(
                entry.get("modality") in (None, *MODALITIES),
                path,
                where,
                f"modality must be one of {MODALITIES}",
            )
            conf = entry.get("confidence", 0.8 if "VERB" in pos else 0.7)
            require(
                isinstance(conf, int | float) and 0 <= conf <= 1, path, where, "confidence 0..1"
            )
            trig = Trigger(
                lemma=lemma.strip().lower(),
                event_type=etype,
                pos=pos,
                mode=entry.get("mode"),
                subject_any=_word_set(entry.get("subject_any"), path, where),
                object_any=_word_set(entry.get("object_any"), path, where),
                object_not=_word_set(entry.get("object_not"), path, where),
                governor_any=_word_set(entry.get("governor_any"), path, where),
                prep_any=_word_set(entry.get("prep_any"), path, where),
                object_is_instrument=entry.get("object", "target") == "instrument",
                object_is_topic=entry.get("object", "target") == "topic",
                object_named=bool(entry.get("object_named", False)),
                modality=entry.get("modality"),
                modifier_any=_word_set(entry.get("modifier_any"), path, where),
                complement_any=_word_set(entry.get("complement_any"), path, where),
                infinitive=bool(entry.get("infinitive", False)),
                clause_any=_word_set(entry.get("clause_any"), path, where),
                confidence=float(conf),
                plover=entry.get("plover"),
            )
            by_lemma.setdefault(trig.lemma, []).append(trig)
    examples = data.get("examples") or {}
    require(isinstance(examples, dict), path, "examples", "expected a mapping type -> sentence")
    for etype, sentence in examples.items():
        require(etype in PLOVER_TYPES, path, f"examples.{etype}", "not a PLOVER type")
        require(
            isinstance(sentence, str) and bool(sentence.strip()),
            path,
            f"examples.{etype}",
            "expected a sentence",
        )

    def words(key: str) -> frozenset[str]:
        return _word_set(data.get(key), path, key)

    return TriggerLexicon(
        obligation_modals=words("obligation_modals"),
        refusals=_refusals(path, data.get("refusals"), event_types),
        part_nouns=words("part_nouns"),
        purpose_verbs=words("purpose_verbs"),
        responsibility_nouns=words("responsibility_nouns"),
        instruments=words("instruments"),
        permission_verbs=words("permission_verbs"),
        suspicion_verbs=words("suspicion_verbs"),
        said_things=words("said_things"),
        peacekeeping_words=words("peacekeeping_words"),
        types=event_types,
        light_verbs=words("light_verbs"),
        examples=dict(examples),
        # Conditional entries first: "pledged $25 million" is AID before it is AGREE.
        by_lemma={k: tuple(sorted(v, key=_specificity)) for k, v in by_lemma.items()},
    )


def _word_set(raw: object, path: Path, where: str) -> frozenset[str]:
    """A list of words from the file, checked (`where` names it in an error), in lower case."""
    return frozenset(s.lower() for s in str_list(raw, path, where))


def _refusals(path: Path, raw: object, types: dict[str, EventType]) -> Refusals | None:
    if raw is None:
        return None
    keys = {"types", "future_aux", "verbs", "ending_verbs"}
    require(isinstance(raw, dict), path, "refusals", f"expected a mapping with {sorted(keys)}")
    unknown = set(raw) - keys
    require(not unknown, path, "refusals", f"unknown keys {sorted(unknown)}")

    def words(key: str) -> frozenset[str]:
        return _word_set(raw.get(key), path, f"refusals.{key}")

    refused = frozenset(str_list(raw.get("types"), path, "refusals.types"))
    bad = sorted(refused - set(types))
    require(not bad, path, "refusals.types", f"not PLOVER types: {bad}")
    return Refusals(refused, words("future_aux"), words("verbs"), words("ending_verbs"))


def _event_types(path: Path, raw: object) -> dict[str, EventType]:
    shape = "expected a mapping of PLOVER type -> {quad_class: 1..4, flags}"
    require(isinstance(raw, dict), path, "event_types", shape)
    out: dict[str, EventType] = {}
    for etype, entry in raw.items():
        where = f"event_types.{etype}"
        require(etype in PLOVER_TYPES, path, where, f"not a PLOVER type {PLOVER_TYPES}")
        require(isinstance(entry, dict), path, where, "expected {quad_class: 1..4, flags}")
        unknown = set(entry) - {
            "quad_class",
            "theme_object",
            "announced",
            "failed",
            "peacekeeping",
            *_FLAGS,
        }
        require(not unknown, path, where, f"unknown keys {sorted(unknown)}")
        quad = entry.get("quad_class")
        require(type(quad) is int and 1 <= quad <= 4, path, where, "quad_class must be 1..4")
        for flag in _FLAGS:
            value = entry.get(flag, False)
            require(isinstance(value, bool), path, f"{where}.{flag}", "expected true or false")
        theme = entry.get("theme_object")
        if theme is not None:
            preps = str_list(theme, path, f"{where}.theme_object")
            require(bool(preps), path, f"{where}.theme_object", "expected prepositions")
            theme = frozenset(p.lower() for p in preps)
        for root in ("announced", "failed", "peacekeeping"):
            require(
                entry.get(root) in (None, *PLOVER_TYPES),
                path,
                f"{where}.{root}",
                f"expected a PLOVER type {PLOVER_TYPES}",
            )
        out[etype] = EventType(
            name=etype,
            quad_class=entry["quad_class"],
            theme_object=theme,
            announced=entry.get("announced"),
            failed=entry.get("failed"),
            peacekeeping=entry.get("peacekeeping"),
            **{flag: entry.get(flag, False) for flag in _FLAGS},
        )
    missing = [t for t in PLOVER_TYPES if t not in out]
    require(not missing, path, "event_types", f"missing {missing}: every PLOVER type is listed")
    return out


def _specificity(t: Trigger) -> int:
    conditions = (
        t.subject_any,
        t.object_any,
        t.governor_any,
        t.prep_any,
        t.modifier_any,
        t.complement_any,
        t.clause_any,
    )
    return -sum(bool(c) for c in conditions) - t.object_named - t.infinitive


@functools.cache
def attribution_cues() -> AttributionCues:
    path, data = load_data_file("attribution.yaml")
    verbs = data.get("verbs") or {}
    require(isinstance(verbs, dict), path, "verbs", "expected a mapping lemma -> stance")
    stances, kinds, content_deps = {}, {}, {}
    person_only: set[str] = set()
    thing_only: set[str] = set()
    for lemma, entry in verbs.items():
        where = f"verbs.{lemma}"
        lemma = str(lemma).lower()
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - {"stance", "kind", "content", "speaker", "object"})
            require(
                not unknown,
                path,
                where,
                f"unknown keys {unknown}; expected stance, kind, content, speaker, object",
            )
            if "speaker" in entry:
                require(entry["speaker"] == "person", path, f"{where}.speaker", "expected person")
                person_only.add(lemma)
            if "object" in entry:
                require(entry["object"] == "thing", path, f"{where}.object", "expected thing")
                thing_only.add(lemma)
            kind = entry.get("kind", "statement")
            require(kind in CLAIM_KINDS, path, where, f"kind must be one of {CLAIM_KINDS}")
            kinds[lemma] = kind
            if "content" in entry:
                deps = str_list(entry["content"], path, f"{where}.content")
                require(bool(deps), path, f"{where}.content", "expected dependency labels")
                content_deps[lemma] = frozenset(deps)
            entry = entry.get("stance")
        require(entry in STANCES, path, where, f"stance must be one of {STANCES}")
        stances[lemma] = entry
    phrases = []
    for i, p in enumerate(data.get("phrases") or []):
        where = f"phrases[{i}]"
        require(isinstance(p, dict), path, where, "expected {words: [...], stance: ...}")
        words = tuple(w.lower() for w in str_list(p.get("words"), path, where))
        require(len(words) >= 2, path, where, "a phrase needs two or more words")
        require(p.get("stance") in STANCES, path, where, f"stance must be one of {STANCES}")
        phrases.append((words, p["stance"]))
    refusals = []
    for i, r in enumerate(data.get("refusals") or []):
        where = f"refusals[{i}]"
        require(isinstance(r, dict) and isinstance(r.get("verb"), str), path, where, "verb needed")
        comps = frozenset(c.lower() for c in str_list(r.get("complement"), path, where))
        negated = bool(r.get("negated", False))
        require(bool(comps) or negated, path, where, "needs a complement list or negated: true")
        refusals.append((r["verb"].lower(), comps, negated))
    noun_preps: dict[str, frozenset[str]] = {}
    nouns = _noun_entries(path, data, "nouns", noun_preps)
    light_nouns = _noun_entries(path, data, "light_nouns", noun_preps)
    both = sorted(set(nouns) & set(light_nouns))
    require(not both, path, "light_nouns", f"{both} already listed under nouns")
    return AttributionCues(
        verbs=stances,
        kinds=kinds,
        content_deps=content_deps,
        person_only=frozenset(person_only),
        thing_only=frozenset(thing_only),
        people_nouns=frozenset(
            s.lower() for s in str_list(data.get("people_nouns") or [], path, "people_nouns")
        ),
        phrases=tuple(phrases),
        refusals=tuple(refusals),
        anonymous_nouns=frozenset(
            s.lower() for s in str_list(data.get("anonymous_nouns"), path, "anonymous_nouns")
        ),
        nobody=frozenset(s.lower() for s in str_list(data.get("nobody"), path, "nobody")),
        anonymity_cues=tuple(
            s.lower() for s in str_list(data.get("anonymity_cues"), path, "anonymity_cues")
        ),
        outlets=tuple(str_list(data.get("outlets"), path, "outlets")),
        channels=_word_groups(path, data, "channels", CHANNELS),
        platforms=_word_groups(path, data, "platforms", None),
        issued_things=frozenset(
            s.lower() for s in str_list(data.get("issued_things") or [], path, "issued_things")
        ),
        nouns=nouns,
        noun_preps=noun_preps,
        light_verbs=frozenset(
            s.lower() for s in str_list(data.get("light_verbs") or [], path, "light_verbs")
        ),
        light_nouns=light_nouns,
        agreements=frozenset(
            s.lower() for s in str_list(data.get("agreements") or [], path, "agreements")
        ),
    )


def _noun_entries(
    path: Path, data: dict, key: str, noun_preps: dict[str, frozenset[str]]
) -> dict[str, str]:
    """A block of communication nouns, lemma -> stance; the prepositions an entry names as
    its content go into noun_preps."""
    nouns = {}
    for lemma, entry in (data.get(key) or {}).items():
        where = f"{key}.{lemma}"
        lemma = str(lemma).lower()
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - {"stance", "content"})
            require(not unknown, path, where, f"unknown keys {unknown}; expected stance, content")
            preps = str_list(entry.get("content"), path, f"{where}.content")
            require(
                all(p.startswith("prep:") for p in preps),
                path,
                f"{where}.content",
                'expected prepositions written "prep:<word>"',
            )
            noun_preps[lemma] = frozenset(p.removeprefix("prep:").lower() for p in preps)
            entry = entry.get("stance")
        require(entry in STANCES, path, where, f"stance must be one of {STANCES}")
        nouns[lemma] = str(entry)
    return nouns


def _word_groups(
    path: Path, data: dict, key: str, names: list[str] | None
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    block = data.get(key) or {}
    require(isinstance(block, dict), path, key, "expected a mapping name -> words")
    out = []
    for name, words in block.items():
        if names is not None:
            require(name in names, path, f"{key}.{name}", f"must be one of {names}")
        listed = str_list(words, path, f"{key}.{name}")
        out.append((str(name), tuple(w.lower() for w in listed)))
    return tuple(out)


@functools.cache
def speaker_words() -> SpeakerWords:
    path, data = load_data_file("speakers.yaml")
    known = {"version", "role_heads", "government_heads", "organization_heads", "anonymity_verbs"}
    unknown = sorted(map(str, set(data) - known))
    require(not unknown, path, ", ".join(unknown), f"unknown section; expected {sorted(known)}")

    def words(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in str_list(data.get(key), path, key))

    return SpeakerWords(
        role_heads=words("role_heads"),
        government_heads=words("government_heads"),
        organization_heads=words("organization_heads"),
        anonymity_verbs=words("anonymity_verbs"),
    )


@functools.cache
def modality_cues() -> ModalityCues:
    path, data = load_data_file("modality.yaml")

    def words(section: str, key: str) -> frozenset[str]:
        block = data.get(section) or {}
        require(isinstance(block, dict), path, section, "expected a mapping")
        return frozenset(w.lower() for w in str_list(block.get(key), path, f"{section}.{key}"))

    return ModalityCues(
        denied=words("denied", "governors"),
        negators=words("negated", "negators"),
        planned=words("planned", "governors"),
        planned_adj=words("planned", "adjectives"),
        expected=words("expected", "governors"),
        expected_aux=words("expected", "auxiliaries"),
        possible_aux=words("possible", "auxiliaries"),
        possible=words("possible", "governors"),
        possible_adj=words("possible", "adjectives"),
        negated_gov=words("negated", "governors"),
    )


@functools.cache
def role_words() -> frozenset[str]:
    """Head nouns that name a role or title a person holds ("minister", "spokesman",
    "commander"): speakers.yaml role_heads and attribution.yaml anonymous_nouns together."""
    return frozenset(attribution_cues().anonymous_nouns) | frozenset(speaker_words().role_heads)
