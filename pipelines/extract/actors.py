"""The actor dictionary and the resolver that maps a phrase as written to an actor.

Resolution order for a phrase: the whole phrase as an alias; a country or person named inside a
phrase whose head is a sector noun ("U.S. forces" -> USAMIL, "Maduro's government" -> VENGOV);
an alias that is the phrase's head; otherwise an unknown actor that keeps the text, never dropped.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipelines.lexicons import load_data_file, require, str_list
from schemas.codes import ACTOR_KINDS

_ID = re.compile(r"^[A-Za-z0-9:_-]+$")
_POSSESSIVE = re.compile(r"['’]s\b")
_WORD = re.compile(r"[\w.&'-]+")
_SECTOR_NAMES = {
    "GOV": "government",
    "MIL": "military",
    "COP": "police",
    "CVL": "civilians",
    "REB": "rebels",
    "OPP": "opposition",
    "MED": "media",
    "BUS": "business",
}


@dataclass(frozen=True)
class Actor:
    actor_id: str
    name: str
    kind: str
    country: str | None
    sector: str | None
    in_dictionary: bool = True
    aliases: tuple[str, ...] = ()


@dataclass
class ActorDictionary:
    by_alias: dict[str, Actor]  # normalized alias -> actor
    countries: dict[str, Actor]  # ISO3 -> country actor
    demonyms: dict[str, str]  # normalized demonym -> ISO3
    sector_nouns: dict[str, str]  # normalized noun -> sector code
    max_alias_words: int
    derived: dict[str, Actor] = field(default_factory=dict)

    def country_actor(self, code: str, sector: str | None) -> Actor:
        country = self.countries[code]
        if sector is None:
            return country
        actor_id = f"{code}{sector}"
        actor = self.derived.get(actor_id) or self.by_alias.get(f"@id:{actor_id}")
        if actor is None:
            name = f"{country.name} {_SECTOR_NAMES.get(sector, sector.lower())}"
            actor = Actor(actor_id, name, "organization", code, sector, True)
            self.derived[actor_id] = actor
        return actor


@functools.lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Alias key: accents folded, dots and possessives dropped; all-caps words keep their case
    so 'US' (the country) never matches the pronoun 'us'."""
    if not text.isascii():  # nothing to fold in ASCII, most names: NFKD leaves it as it is
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _POSSESSIVE.sub("", text)
    words = []
    for word in _WORD.findall(text):
        bare = word.replace(".", "")
        if not bare:
            continue
        words.append(bare if bare.isupper() and len(bare) > 1 else bare.lower())
    return " ".join(words)


@functools.cache
def leading_words() -> frozenset[str]:
    """Words dropped from the front of a phrase before lookup: "the", "its", "two", "senior"."""
    path, data = load_data_file("leading_words.yaml")
    unknown = sorted(map(str, set(data) - {"version", "leading_words"}))
    require(not unknown, path, ", ".join(unknown), "unknown section; expected leading_words")
    words = str_list(data.get("leading_words"), path, "leading_words")
    for i, word in enumerate(words):
        require(len(word.split()) == 1, path, f"leading_words[{i}]", f"{word!r} is not one word")
    return frozenset(w.lower() for w in words)


def strip_leading(key: str) -> str:
    leading = leading_words()
    words = key.split()
    while len(words) > 1 and words[0].lower() in leading:
        words = words[1:]
    return " ".join(words)


@functools.cache
def actor_dictionary() -> ActorDictionary:
    path, data = load_data_file("actors.yaml")
    by_alias: dict[str, Actor] = {}
    countries: dict[str, Actor] = {}
    demonyms: dict[str, str] = {}
    sector_nouns: dict[str, str] = {}

    def add_alias(alias: str, actor: Actor, where: str) -> None:
        key = normalize(alias)
        require(bool(key), path, where, f"alias {alias!r} has no letters")
        by_alias.setdefault(key, actor)
        by_alias.setdefault(strip_leading(key), actor)

    for sector, nouns in (data.get("sector_nouns") or {}).items():
        for noun in str_list(nouns, path, f"sector_nouns.{sector}"):
            sector_nouns.setdefault(normalize(noun).lower(), sector)

    for i, entry in enumerate(data.get("countries") or []):
        where = f"countries[{i}]"
        require(isinstance(entry, dict), path, where, "expected a mapping")
        code = entry.get("code")
        require(
            isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code or "") is not None,
            path,
            where,
            "code must be an ISO 3166 alpha-3 code such as VEN",
        )
        require(code not in countries, path, where, f"country {code} listed twice")
        names = str_list(entry.get("names"), path, f"{where}.names")
        name = entry.get("name") or (names[0] if names else None)
        require(isinstance(name, str), path, where, "name is required")
        country = Actor(code, name, "country", code, None, True, tuple(names))
        countries[code] = country
        for alias in [name, *names]:
            add_alias(alias, country, where)
        metonyms = str_list(entry.get("metonyms"), path, f"{where}.metonyms")
        gov = Actor(
            f"{code}GOV", f"{name} government", "organization", code, "GOV", True, tuple(metonyms)
        )
        by_alias[f"@id:{gov.actor_id}"] = gov
        for alias in metonyms:
            add_alias(alias, gov, where)
        for demonym in str_list(entry.get("demonyms"), path, f"{where}.demonyms"):
            demonyms.setdefault(normalize(demonym), code)

    seen_ids = set(countries)
    for i, entry in enumerate(data.get("actors") or []):
        where = f"actors[{i}]"
        require(isinstance(entry, dict), path, where, "expected a mapping")
        actor_id = entry.get("id")
        require(
            isinstance(actor_id, str) and bool(_ID.match(actor_id)),
            path,
            where,
            "id is required: letters, digits and - _ : only",
        )
        require(actor_id not in seen_ids, path, where, f"id {actor_id} used twice")
        seen_ids.add(actor_id)
        kind = entry.get("kind")
        require(kind in ACTOR_KINDS, path, where, f"kind must be one of {ACTOR_KINDS}")
        country = entry.get("country")
        require(
            country is None or country in countries,
            path,
            where,
            f"country {country!r} is not among the countries listed in this file",
        )
        aliases = str_list(entry.get("aliases"), path, f"{where}.aliases")
        name = entry.get("name") or (aliases[0] if aliases else None)
        require(isinstance(name, str), path, where, "name is required")
        actor = Actor(actor_id, name, kind, country, entry.get("sector"), True, tuple(aliases))
        by_alias[f"@id:{actor_id}"] = actor
        for alias in [name, *aliases]:
            key = normalize(alias)
            # Named actors take precedence over generated metonyms with the same alias.
            by_alias[key] = actor
            by_alias[strip_leading(key)] = actor

    longest = max((len(k.split()) for k in by_alias), default=1)
    return ActorDictionary(by_alias, countries, demonyms, sector_nouns, longest)


# Pronouns that stand for one person named before them.
PERSON_PRONOUNS = frozenset({"he", "him", "she", "her"})
# Abbreviated honorifics and titles before a surname ("Mr. Chang", "Gen. Padrino"): not names.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "gen", "prof"})


def name_words(tokens: Iterable) -> list:
    """The tokens of a phrase that are a name's words: proper nouns other than honorifics
    ("Mr. Chang": Chang). A single one is a surname to look up among the people named."""
    return [t for t in tokens if t.pos_ == "PROPN" and t.lower_.rstrip(".") not in HONORIFICS]


class ActorResolver:
    """Resolves phrases within one article, remembering people for pronouns."""

    def __init__(self, dictionary: ActorDictionary | None = None):
        self.d = dictionary or actor_dictionary()
        self.last_person: Actor | None = None
        self.seen: dict[str, tuple[Actor, set[str]]] = {}
        # What the article has named so far, dictionary or not, for the short forms of event
        # actors (issue #15): "he" is the last person named, "Chang" the person of that
        # surname, "the minister" the person last named with that title and "the ministry"
        # the body last named in full with that head noun.
        self.last_named_person: Actor | None = None
        self.previous_person: Actor | None = None  # the one named before last_named_person
        self.by_surname: dict[str, Actor] = {}
        self.by_head: dict[str, Actor] = {}
        # The body (a government, ministry, army, group) last named as the subject of an act
        # or a statement, for a later "it" ("The ministry said ... It also rejected ...").
        self.last_body: Actor | None = None
        # Each phrase's actor as looked up: an article names the same few phrases again and
        # again (half the lookups of the generated articles), and a lookup depends only on the
        # dictionary. Actors are frozen, so one may be handed out twice.
        self._looked_up: dict[tuple[str, str, str | None], Actor] = {}

    def lookup(self, text: str, head_lemma: str | None = None, ner: str | None = None) -> Actor:
        """What resolve would return, without recording it."""
        key = (text, (head_lemma or "").lower(), ner)
        found = self._looked_up.get(key)
        if found is None:
            found = self._looked_up[key] = self._resolve(*key)
        return found

    def resolve(self, text: str, head_lemma: str | None = None, ner: str | None = None) -> Actor:
        return self.take(self.lookup(text, head_lemma, ner), text)

    def take(self, actor: Actor, text: str) -> Actor:
        """Record actor, found by lookup, as written text (what resolve does after looking)."""
        if actor.kind == "person" and actor.in_dictionary:
            self.last_person = actor
        entry = self.seen.setdefault(actor.actor_id, (actor, set()))
        entry[1].add(text)
        return actor

    def note(self, actor: Actor, text: str) -> None:
        """Record that actor was written as text (a short form resolved by a caller)."""
        self.seen.setdefault(actor.actor_id, (actor, set()))[1].add(text)

    def remember(self, actor: Actor, heads: Iterable[str]) -> None:
        """Record a full name as the referent of its later short forms; `heads` are the
        titles or head nouns it was written with ("minister", "ministry")."""
        if actor.kind == "person":
            if self.last_named_person is not None and actor != self.last_named_person:
                self.previous_person = self.last_named_person
            self.last_named_person = actor
            words = actor.name.split()
            if len(words) >= 2:
                self.by_surname[words[-1].lower()] = actor
        for head in heads:
            self.by_head[head] = actor

    def subject_named(self, actor: Actor | None) -> None:
        """Record that a phrase (not a pronoun) naming `actor` was the subject of an act or a
        statement: anything but a person becomes what a later subject "it" refers to."""
        if actor is not None and actor.kind != "person":
            self.last_body = actor

    def last_person_but(self, other: Actor | None) -> Actor | None:
        """The person last named, or the one before when that is `other`."""
        if other is not None and self.last_named_person == other:
            return self.previous_person
        return self.last_named_person

    def resolve_pronoun(self, pronoun: str) -> Actor | None:
        if pronoun.lower() in PERSON_PRONOUNS and self.last_person is not None:
            self.seen[self.last_person.actor_id][1].add(pronoun)
            return self.last_person
        return None

    def _resolve(self, text: str, head: str, ner: str | None) -> Actor:
        d = self.d
        key = strip_leading(normalize(text))
        if key in d.by_alias:
            return d.by_alias[key]
        words = key.split()
        head_sector = d.sector_nouns.get(head) or d.sector_nouns.get(
            " ".join(w.lower() for w in words[-2:])
        )
        # Longest alias inside the phrase, with where it sits.
        inner, inner_end = None, -1
        for size in range(min(d.max_alias_words, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                gram = " ".join(words[start : start + size])
                if gram in d.by_alias:
                    inner, inner_end = d.by_alias[gram], start + size
                    break
            if inner:
                break
        if inner is None:
            for start, word in enumerate(words):
                code = d.demonyms.get(word) or d.demonyms.get(" ".join(words[start : start + 2]))
                if code:
                    inner, inner_end = d.countries[code], start + 1
                    break
        if inner is not None and head_sector and inner.country and inner_end < len(words):
            if inner.kind == "person" and head_sector == "GOV" and inner.sector == "GOV":
                return d.country_actor(inner.country, "GOV")
            return d.country_actor(inner.country, head_sector)
        if inner is not None and inner_end == len(words):
            return inner
        return self._unknown(text, key, ner)

    def _unknown(self, text: str, key: str, ner: str | None) -> Actor:
        kind = {
            "PERSON": "person",
            "ORG": "organization",
            "NORP": "organization",
            "GPE": "country",
        }.get(ner or "", "other")
        slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")[:60] or "unnamed"
        return Actor(f"unk:{slug}", strip_leading(text.strip()), kind, None, None, False)

    def actors(self) -> list[tuple[Actor, set[str]]]:
        return list(self.seen.values())
