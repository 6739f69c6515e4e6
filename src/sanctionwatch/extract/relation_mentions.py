"""Mentions from a list of names, for exercising the relation extractor on its own.

The real mentions come from the entity extractor (typing rules, gazetteer, coreference); tests
of the relation rules name their entities explicitly so that they test the rules, not NER.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from spacy.tokens import Doc

from sanctionwatch.extract.types import Mention


def _entity_id(key: str) -> str:
    return "ent-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _sentence_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return start, end
    return span.sent.start_char, span.sent.end_char


def mentions_for_names(
    doc: Doc, names: Mapping[str, str], aliases: Mapping[str, str] | None = None
) -> list[Mention]:
    """Mentions of every occurrence of ``names`` (name -> schema) in ``doc``.

    ``aliases`` maps a short form to its full name, which becomes the canonical name and
    shares its entity id (within-document coreference).
    """
    aliases = dict(aliases or {})
    forms = {name: name for name in names} | aliases
    taken: list[tuple[int, int]] = []
    mentions: list[Mention] = []
    for form in sorted(forms, key=len, reverse=True):
        canonical = forms[form]
        schema = names[canonical]
        for match in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", doc.text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            s_start, s_end = _sentence_bounds(doc, start, end)
            mentions.append(
                Mention(
                    start,
                    end,
                    form,
                    schema,
                    _entity_id(canonical),
                    canonical,
                    s_start,
                    s_end,
                    source="test",
                )
            )
    return sorted(mentions, key=lambda mention: mention.start)
