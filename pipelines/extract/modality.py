"""Modality of an event: whether the text says it happened, is planned, expected, possible,
negated or denied, from the cues (modality.yaml) on the way up from its trigger."""

from __future__ import annotations

from spacy.tokens import Token

from pipelines.extract import syntax
from pipelines.extract.rules import ModalityCues

# Clause heads climbed when looking for modality cues; stops at attribution verbs.
# Not relcl: a relative clause makes its own assertion ("... which it accuses Maduro of").
_CLIMB = {
    "xcomp",
    "ccomp",
    "advcl",
    "conj",
    "dobj",
    "pobj",
    "prep",
    "pcomp",
    "acl",
    "amod",
    "nsubj",
    "nsubjpass",
    "acomp",
    "attr",
    "compound",
    "appos",
}
# Prepositions of time and circumstance: what hangs on them happened apart from the failed act
_ADJUNCT_PREPS = {"after", "before", "during", "despite", "following", "amid", "since", "until"}
# "will" told in the past: "said they would release"
_PAST_WILL = frozenset({"would", "'d"})
_MODAL_CHILD_DEPS = {
    "aux",
    "auxpass",
    "neg",
    "acomp",
    "advmod",
    "amod",
    "mark",
    "nsubj",
    "nsubjpass",
    "prep",
}


def event_modality(
    tok: Token, cues: ModalityCues, cue_lemmas: set[str], skip_own_aux: bool = False
) -> tuple[str, list[Token]]:
    """Nearest cue wins, walking from the trigger up through its governing clauses; the walk
    stops at an attribution verb, whose own tense says nothing about the reported event."""
    governors: list[Token] = []
    node = tok
    adjunct = False  # the walk came up through an adjunct or a conjunct
    for _ in range(8):
        if node.i != tok.i and not adjunct and node.lemma_.lower() in cues.negated_gov:
            # "failed to reach a deal": the deal was not reached; but the talks in "failed to
            # reach a deal after hours of talks" were held
            return "negated", governors
        adjunct = (
            adjunct
            or node.dep_ == "conj"
            or (node.dep_ == "prep" and node.lower_ in _ADJUNCT_PREPS)
        )  # a conjunct is often the parser's, not the text's: "... of failing to honour ...
        # and called for his resignation"
        verdict = _modal_cue(
            node, cues, is_trigger=node.i == tok.i, skip_aux=skip_own_aux and node.i == tok.i
        )
        if verdict == "possible" and node.i == tok.i and _reported_will(node, cue_lemmas):
            verdict = "expected"
        if verdict:
            return verdict, governors
        if node.dep_ not in _CLIMB or node.head.i == node.i:
            break
        parent = node.head
        if (
            parent.lemma_.lower() in cue_lemmas
            and parent.pos_ == "VERB"
            and not (node.dep_ == "xcomp" and parent.lemma_.lower() in cues.planned)
        ):
            # "pledged to build": the pledge is a claim and its act still planned; only a
            # reported clause ("pledged that ...") stops the walk
            if parent.lemma_.lower() in cues.denied and node.dep_ == "ccomp":
                if syntax.charge_denied(parent, node):
                    break  # "Pakistan accused India ..., a charge New Delhi denied": asserted
                return "denied", governors  # "officials denied that troops attacked"
            break
        node = parent
        if node.pos_ in ("VERB", "AUX", "ADJ"):
            governors.append(node)
    return "asserted", governors


def _modal_cue(
    node: Token, cues: ModalityCues, is_trigger: bool, skip_aux: bool = False
) -> str | None:
    lemma = node.lemma_.lower()
    # (dependency, lower case, lemma) of each child that may hold a cue, read once for all
    # the tests below
    kids = []
    for c in node.children:
        dep = c.dep_
        if dep == "prep" and c.lemma_.lower() in cues.expected:
            continue  # "freed him due to time served": a reason, not a forecast ("due to meet")
        if dep in _MODAL_CHILD_DEPS:
            kids.append((dep, c.lower_, c.lemma_.lower()))
    if skip_aux:  # the future of what is threatened: will, shall, would
        future = cues.expected_aux | _PAST_WILL
        kids = [k for k in kids if not (k[0] == "aux" and k[1] in future)]
    kid_lemmas = {k[2] for k in kids} | {k[1] for k in kids}
    if lemma in cues.denied and not is_trigger:
        return "denied"
    if any(k[0] == "neg" for k in kids) or (kid_lemmas & cues.negators and node.pos_ == "VERB"):
        return "denied" if lemma in cues.denied else "negated"
    if not is_trigger and lemma in cues.planned:
        return "planned"
    if kid_lemmas & cues.planned_adj:
        return "planned"
    if (not is_trigger and lemma in cues.expected) or kid_lemmas & cues.expected:
        return "expected"
    if any(k[0] == "aux" and k[1] in cues.expected_aux for k in kids):
        return "expected"
    if any(k[0] == "aux" and k[1] in cues.possible_aux for k in kids):
        return "possible"
    if kid_lemmas & cues.possible_adj or (not is_trigger and lemma in cues.possible):
        return "possible"
    if any(k[2] in cues.possible for k in kids if k[0] in ("nsubj", "mark")):
        return "possible"
    return None


def _reported_will(node: Token, cue_lemmas: set[str]) -> bool:
    """'Rebels said they would release the hostages': "would" in a clause reported by a
    speech verb is "will" told in the past, not a condition ("said it would retaliate if ...")."""
    if node.dep_ != "ccomp" or node.head.lemma_.lower() not in cue_lemmas:
        return False
    if not any(c.dep_ == "aux" and c.lower_ in _PAST_WILL for c in node.children):
        return False
    return not any(
        c.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
        for c in node.children
    )
