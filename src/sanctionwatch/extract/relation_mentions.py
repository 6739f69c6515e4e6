"""Simple mention builders for exercising the relation extractor on its own.

The real mentions come from the entity extractor (typing rules, gazetteer, coreference).
These builders serve tests and the stand-alone relation benchmark when the entity extractor
is not available: one from spaCy's own entities, one from names the caller lists.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from spacy.tokens import Doc

from sanctionwatch.extract.types import Mention

LABEL_SCHEMATA = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Organization",
}


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


def mentions_from_ents(doc: Doc, overrides: Mapping[str, str] | None = None) -> list[Mention]:
    """Mentions from spaCy's entities, with naive coreference by surname and repeated text.

    ``overrides`` maps an entity text to the schema it should have (the bare model calls some
    companies PERSON); the entity extractor does this properly with rules.
    """
    overrides = dict(overrides or {})
    found: list[tuple[int, int, str, str]] = []
    for ent in doc.ents:
        text = re.sub(r"^(?:the|The)\s+", "", ent.text)
        start = ent.end_char - len(text)
        schema = overrides.get(text) or LABEL_SCHEMATA.get(ent.label_)
        if schema is not None:
            found.append((start, ent.end_char, text, schema))
    canonical: dict[str, str] = {}
    full_names = [text for _, _, text, schema in found if schema == "Person" and " " in text]
    for _, _, text, schema in found:
        if text in canonical:
            continue
        longer = [name for name in full_names if schema == "Person" and name.endswith(" " + text)]
        canonical[text] = longer[0] if longer else text
    mentions = []
    for start, end, text, schema in found:
        name = canonical[text]
        s_start, s_end = _sentence_bounds(doc, start, end)
        mentions.append(
            Mention(start, end, text, schema, _entity_id(name), name, s_start, s_end, "model")
        )
    return mentions
