"""The rule layer inside the spaCy pipeline: legal forms, organisation names, instruments, lists.

It runs as a pipeline component (``sanctionwatch_rules``) right after the model's NER so that it
runs in the worker processes of ``nlp.pipe(n_process=...)`` too. It does not overwrite
``doc.ents``; it leaves candidate spans in ``doc.spans["sanctionwatch_rules"]`` with the FtM
schema as label and what found them as ``kb_id`` (``rule:legal-form``, ``gazetteer:un_sc``, ...).
:mod:`sanctionwatch.extract.entities` weighs them against the model's entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rigour.territories import lookup_territory
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span, Token

from sanctionwatch.extract.entity_typing import TypingRules, load_typing_rules
from sanctionwatch.extract.rules import (
    EntityRules,
    InstrumentRule,
    legal_form_key,
    load_entity_rules,
    name_head,
)

RULE_SPANS = "sanctionwatch_rules"
OPENING_QUOTES = frozenset("«“\"„'‘")
CLOSING_QUOTES = frozenset("»”\"“'’")
LEFT_STRIP_ENTS = frozenset({"NORP", "DATE", "ORDINAL", "CARDINAL", "TIME"})
MAX_NAME_TOKENS = 10
_CUE_SCHEMATA = ("Company", "Organization")
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
MEASURE_ENTS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY"})


@dataclass(frozen=True, slots=True)
class GazetteerName:
    """One name or alias of a listed entity: the schema the list gives it and the list id."""

    name: str
    schema: str
    source: str


MODIFIER = re.compile(r"-[a-z]+$")


def is_capitalised(token: Token) -> bool:
    """Starts like a name: an upper-case letter (any script) or a digit ("Bank 2"); not a
    modifier such as "U.N.-sanctioned" or "Irkutsk-based"."""
    text = token.text
    if not text or MODIFIER.search(text):
        return False
    return text[0].isupper() or (text[0].isdigit() and len(text) > 1)


APOSTROPHES = frozenset({"'", "’"})


def _name_start(doc: Doc, end: int, connectors: frozenset[str], limit: int) -> int:
    """Walk left from ``end`` (exclusive) over capitalised words, inner connectors, a plural
    apostrophe ("Workers' Party") and a parenthesised part ("Qingdao Construction (Namibia)")."""
    start = end
    while start > 0 and end - start < limit:
        token = doc[start - 1]
        if is_capitalised(token) and not token.is_punct:
            start -= 1
            continue
        inner = start - 2 >= 0 and is_capitalised(doc[start - 2])
        if token.lower_ in connectors and inner and start < end:
            start -= 1
            continue
        if token.text in APOSTROPHES and inner and doc[start - 2].text.endswith("s"):
            start -= 1
            continue
        if _inner_hyphen(doc, start - 1) and start < end:
            start -= 1  # "Korea South-South Cooperation Corp": a hyphenated name word
            continue
        opening = _parenthesis_start(doc, start - 1)
        if opening is not None:
            start = opening
            continue
        break
    while start < end and (doc[start].lower_ in connectors or doc[start].is_punct):
        start += 1
    return start


def _inner_hyphen(doc: Doc, index: int) -> bool:
    """``doc[index]`` is a hyphen inside one capitalised word ("South-South", "Hyung-Jin")."""
    if index < 1 or index + 1 >= len(doc) or doc[index].text != "-":
        return False
    before, after = doc[index - 1], doc[index + 1]
    return (
        not before.whitespace_
        and not doc[index].whitespace_
        and is_capitalised(before)
        and is_capitalised(after)
    )


def _possessive_inside(doc: Doc, index: int) -> bool:
    """ "People’s Armed Forces": a possessive between two capitalised words of one name."""
    if index < 1 or index + 1 >= len(doc) or doc[index].lower_ not in ("'s", "’s"):
        return False
    before, after = doc[index - 1], doc[index + 1]
    return is_capitalised(before) and is_capitalised(after)


def _parenthesis_start(doc: Doc, close: int) -> int | None:
    """Index of "(" when ``doc[close]`` ends "(Capitalised ...)" right after a name word."""
    if close < 2 or doc[close].text != ")":
        return None
    for index in range(close - 1, max(close - 4, 0), -1):
        if doc[index].text == "(":
            inside = doc[index + 1 : close]
            named = len(inside) > 0 and all(is_capitalised(t) for t in inside)
            if named and index > 0 and is_capitalised(doc[index - 1]):
                return index
            return None
    return None


def _after_previous_form(doc: Doc, start: int, index: int, connectors: frozenset[str]) -> int:
    """A name never reaches back over the previous company's legal form: "A SA and B SA",
    "A Co. Ltd. & B Co. Ltd." are two companies (``start`` is already past that form)."""
    while start < index and (doc[start].lower_ in connectors or doc[start].is_punct):
        start += 1
    return start


def _trim_left(doc: Doc, start: int, end: int, places: dict[str, str]) -> int:
    """Drop sentence-initial function words and nationality adjectives from a name's left;
    a place name stays ("Yanbian Silverstar", "Korea Rungrado")."""
    while start < end - 1:
        token = doc[start]
        if token.lower_ in places:
            break
        if token.is_stop or token.ent_type_ in LEFT_STRIP_ENTS or token.is_punct:
            start += 1
            continue
        break
    return start


def _unit_number(token: Token) -> bool:
    """A number that names a unit after its head ("Bureau 121"), not a date or an amount that
    follows the name ("the State Department 2023 report", "the Ministry 10 days ago")."""
    return token.is_digit and not token.is_sent_start and token.ent_type_ not in MEASURE_ENTS


def _is_country(name: str) -> bool:
    """A country's (or territory's) name, as FollowTheMoney's territory data knows it."""
    territory = lookup_territory(" ".join(name.split()), fuzzy=False)
    return territory is not None and territory.is_country and "-" not in str(territory.code)


class RuleComponent:
    """Finds rule-based entity candidates; see the module docstring."""

    def __init__(self, nlp: Language, rules: EntityRules | None = None) -> None:
        self.nlp = nlp
        self.rules = rules or load_entity_rules()
        self.gazetteer = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.gazetteer_size = 0
        self.triggers = self._trigger_matcher()
        self.families = self._family_matcher()
        self.typing: TypingRules = load_typing_rules()
        self.known = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.known.add("KNOWN", [nlp.make_doc(n) for n in self.typing.known_organisations])
        self._keep_family_names_whole()

    def _keep_family_names_whole(self) -> None:
        """English tokenizer exceptions split "Im" into "I" + "m" (as in "I'm"); a Korean
        family name is one word ("Im Song Sun")."""
        tokenizer = self.nlp.tokenizer
        if not isinstance(tokenizer, Tokenizer):
            return
        for name in self.rules.korean_family_names:
            if len(self.nlp.make_doc(name)) > 1:
                tokenizer.add_special_case(name, [{ORTH: name}])

    def _trigger_matcher(self) -> PhraseMatcher:
        """Words that start a rule (legal forms, organisation heads, cue nouns), found in C."""
        matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        forms = set()
        for form in self.rules.legal_form_texts:
            forms.add(form)
            forms.add(form.rstrip(".") if form.endswith(".") else form + ".")
        matcher.add("LEGAL", [self.nlp.make_doc(form) for form in sorted(forms)])
        heads = sorted(self.rules.organisation_heads)
        matcher.add("HEAD", [self.nlp.make_doc(word) for word in heads])
        cues = [w for w, schema in self.rules.appositive_heads.items() if schema in _CUE_SCHEMATA]
        matcher.add("CUE", [self.nlp.make_doc(word) for word in sorted(cues)])
        return matcher

    def _family_matcher(self) -> PhraseMatcher:
        matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        names = self.rules.korean_family_names
        matcher.add("KFAM", [self.nlp.make_doc(name) for name in names])
        return matcher

    def set_gazetteer(self, names: Iterable[GazetteerName]) -> int:
        """Replace the listed names the component recognises; returns how many patterns."""
        self.gazetteer = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        by_key: dict[str, list[str]] = {}
        for entry in names:
            key = f"{entry.schema}|{entry.source}"
            if key not in by_key:
                by_key[key] = []
            by_key[key].append(entry.name)
        count = 0
        for key, texts in by_key.items():
            patterns = [self.nlp.make_doc(text) for text in sorted(set(texts))]
            self.gazetteer.add(key, patterns)
            count += len(patterns)
        self.gazetteer_size = count
        return count

    def __call__(self, doc: Doc) -> Doc:
        triggers: dict[str, list[int]] = {"LEGAL": [], "HEAD": [], "CUE": []}
        for match_id, start, _end in self.triggers(doc):
            triggers[self.nlp.vocab.strings[match_id]].append(start)
        spans = [*self.legal_form_spans(doc, sorted(set(triggers["LEGAL"])))]
        spans.extend(self.organisation_spans(doc, triggers["HEAD"]))
        spans.extend(self.instrument_spans(doc))
        spans.extend(self.cue_noun_spans(doc, triggers["CUE"]))
        spans.extend(self.appositive_name_spans(doc, triggers["CUE"]))
        spans.extend(self.korean_name_spans(doc))
        spans.extend(self.known_organisation_spans(doc))
        spans.extend(self.patronymic_spans(doc))
        if self.gazetteer_size:
            spans.extend(self.gazetteer_spans(doc))
        doc.spans[RULE_SPANS] = spans
        return doc

    def _legal_form_at(self, doc: Doc, index: int) -> int:
        """Length of the longest legal form starting at token ``index`` (0 if none)."""
        longest = 0
        words: tuple[str, ...] = ()
        limit = min(len(doc), index + 2 * self.rules.longest_legal_form)
        for position in range(index, limit):
            key = legal_form_key(doc[position].text)
            if not key:
                continue  # "Sp. z o.o." is tokenised "Sp", ".", "z", "o.o", "."
            words = (*words, key)
            if len(words) > self.rules.longest_legal_form:
                break
            if words in self.rules.legal_forms:
                longest = position + 1 - index
        return longest

    def legal_form_spans(self, doc: Doc, starts: list[int]) -> Iterator[Span]:
        """``Name Legal-Form`` ("Arrowcrest Limited") and ``Legal-Form «Name»`` (ООО «Мехянсан»)."""
        done = 0
        for index in starts:
            if index < done or not is_capitalised(doc[index]):
                continue
            size = self._legal_form_at(doc, index)
            if not size:
                continue
            end = index + size
            quoted = self._quoted_name_after(doc, end) or self._prefixed_name_end(doc, index, end)
            if quoted:
                yield Span(doc, index, quoted, label="Company", kb_id="rule:legal-form")
                done = quoted
                continue
            start = _name_start(doc, index, self.rules.name_connectors, MAX_NAME_TOKENS)
            start = _after_previous_form(doc, max(start, done), index, self.rules.name_connectors)
            start = _trim_left(doc, start, index, self.rules.places)
            if end + 1 < len(doc) and doc[end].text == ",":
                more = self._legal_form_at(doc, end + 1)
                end = end + 1 + more if more else end  # "Co., Ltd.", "Company, Inc."
            end = self._purpose_end(doc, index, end)
            if start < index and not doc[start].is_punct:
                yield Span(doc, start, end, label="Company", kb_id="rule:legal-form")
            done = end

    def _quoted_name_after(self, doc: Doc, index: int) -> int:
        """End (exclusive, after the closing quote) of a quoted name starting at ``index``."""
        if index >= len(doc) or doc[index].text not in OPENING_QUOTES:
            return 0
        for end in range(index + 1, min(len(doc), index + MAX_NAME_TOKENS)):
            if doc[end].text in CLOSING_QUOTES:
                return end + 1 if end > index + 1 else 0
        return 0

    def _purpose_end(self, doc: Doc, index: int, end: int) -> int:
        """End of "Korea General Corporation for External Construction": a form that is an
        organisation word ("Corporation", "Company") takes a capitalised "for ..." purpose
        after it, as state trading corporations are named; an abbreviation ("Ltd") does not."""
        form = doc[index:end].text
        if not form.isalpha() or form.isupper() or end + 1 >= len(doc):
            return end
        if doc[end].lower_ != "for" or not is_capitalised(doc[end + 1]):
            return end
        last = self._name_end(doc, end + 1)
        purpose = doc[end + 1 : last]
        places = any(t.lower_ in self.rules.places or t.ent_type_ in PLACE_ENTS for t in purpose)
        if places or _is_country(purpose.text):
            return end  # "... Company for Ruritania" names a market, not the company
        return last

    def _prefixed_name_end(self, doc: Doc, index: int, end: int) -> int:
        """End of the name after a form written before it ("AO Primorneft-Trans", "LLC
        Foreign Trade Corporation “Keisung”"); 0 when the form follows its name as usual."""
        if index > 0 and is_capitalised(doc[index - 1]) and not doc[index - 1].is_punct:
            return 0  # "Arrowcrest LLC": the form ends the name before it
        cursor = end
        while cursor < len(doc) and cursor - end < 4 and is_capitalised(doc[cursor]):
            if doc[cursor].is_punct:
                break
            cursor += 1
        quoted = self._quoted_name_after(doc, cursor) if cursor > end else 0
        if quoted:
            return quoted
        form = legal_form_key(" ".join(token.text for token in doc[index:end]))
        if form not in self.rules.prefix_legal_forms or cursor == end:
            return 0
        while cursor + 1 < len(doc) and _inner_hyphen(doc, cursor):
            cursor += 2  # "NNK-Primornefteproduct"
        return cursor

    def organisation_spans(self, doc: Doc, starts: list[int]) -> Iterator[Span]:
        """Capitalised names headed by an organisation word ("Heritage Foundation")."""
        heads = self.rules.organisation_heads
        for index in starts:
            token = doc[index]
            schema = heads.get(token.lower_)
            if schema is None or not is_capitalised(token):
                continue
            start = _name_start(doc, index, self.rules.name_connectors, MAX_NAME_TOKENS)
            start = _trim_left(doc, start, index, self.rules.places) if start < index else start
            start = self._office_holder_start(doc, start)
            end = self._extend_right(doc, index + 1)
            if token.lower_ in self.rules.located_heads:
                end = self._host_country_end(doc, end)
            if end - start < 2:
                continue
            words = [token.text for token in doc[start:end]]
            schema = name_head(words, self.rules) or schema  # "External Construction Bureau"
            yield Span(doc, start, end, label=schema, kb_id="rule:organisation-head")

    def _office_holder_start(self, doc: Doc, start: int) -> int:
        """Start of "United States Attorney’s Office ..." when the name found starts at
        "Office": the holder's possessive before it belongs to the office's name."""
        if start < 2 or doc[start - 1].lower_ not in ("'s", "’s"):
            return start
        for size in (2, 1):
            holder = doc[max(0, start - 1 - size) : start - 1]
            words = " ".join(t.lower_ for t in holder)
            if len(holder) == size and words in self.rules.office_holders:
                if not all(is_capitalised(t) for t in holder):
                    return start
                first = _name_start(doc, holder.start, self.rules.name_connectors, 4)
                return _trim_left(doc, first, holder.start, {}) if first < holder.start else first
        return start

    def _host_country_end(self, doc: Doc, end: int) -> int:
        """ "Embassy in China": a mission's host country ends its name (a city stays a place
        of its own: "the Russian Embassy in Washington")."""
        if end + 1 >= len(doc) or doc[end].lower_ != "in":
            return end
        last = self._name_end(doc, end + 1)
        host = doc[end + 1 : last].text
        return last if last > end + 1 and _is_country(host) else end

    def _extend_right(self, doc: Doc, end: int) -> int:
        """Extend a head word over "of the Democratic People's Republic of Korea"-like tails,
        or over the proper name that follows it ("Commercial Bank Agrosoyuz"); a tail that is
        itself an organisation ("Committee of the Workers' Party") is left to its own span."""
        connectors = self.rules.head_connectors
        if end < len(doc) and doc[end].lower_ in connectors:
            cursor = end + 1
            if cursor < len(doc) and doc[cursor].lower_ == "the":
                cursor += 1
            last = self._name_end(doc, cursor)
            tail = doc[cursor:last]
            nested = any(t.lower_ in self.rules.organisation_heads for t in tail[1:])
            if last > cursor and not nested:
                return last
            return end
        if end < len(doc) and _unit_number(doc[end]):
            return end + 1  # "General Bureau 313", "Unit 180", "Department 53"
        last = self._name_end(doc, end)
        if last > end and all(self._proper_tail(t) for t in doc[end:last]):
            return last
        return end

    def _name_end(self, doc: Doc, cursor: int) -> int:
        last = cursor
        while last < len(doc) and last - cursor < MAX_NAME_TOKENS:
            token = doc[last]
            plural_apostrophe = token.text in APOSTROPHES and doc[last - 1].text.endswith("s")
            if (
                (is_capitalised(token) and not token.is_punct)
                or (last > cursor and plural_apostrophe)
                or (last > cursor and self._possessive_in_name(doc, last))
            ):
                last += 1
            elif token.lower_ in self.rules.name_connectors and last + 1 < len(doc):
                if not is_capitalised(doc[last + 1]):
                    break
                last += 1
            else:
                break
        return last

    def _possessive_in_name(self, doc: Doc, index: int) -> bool:
        """ "the People's Armed Forces" continues a name; "the Treasury's Office" is a second
        organisation (a head word on either side of the possessive)."""
        if not _possessive_inside(doc, index):
            return False
        heads = self.rules.organisation_heads
        return doc[index - 1].lower_ not in heads and doc[index + 1].lower_ not in heads

    def _proper_tail(self, token: Token) -> bool:
        """A word that can continue a name after its head: a proper noun, not a place or date."""
        return (
            token.pos_ == "PROPN"
            and token.ent_type_ not in LEFT_STRIP_ENTS
            and token.lower_ not in self.rules.places
            and not token.is_sent_start
        )

    def instrument_spans(self, doc: Doc) -> Iterator[Span]:
        """Resolutions, executive orders and regulations, by the regular expressions."""
        taken: list[tuple[int, int]] = []
        text = doc.text
        for rule in self.rules.instruments:
            for match in rule.pattern.finditer(text):
                start, end = match.span()
                if any(start < e and s < end for s, e in taken):
                    continue
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                taken.append((start, end))
                yield Span(
                    doc,
                    span.start,
                    span.end,
                    label="LegalInstrument",
                    kb_id=f"rule:instrument:{rule.id}",
                )
                yield from self._more_instruments(doc, text, rule, end, taken)

    def _more_instruments(
        self, doc: Doc, text: str, rule: InstrumentRule, end: int, taken: list[tuple[int, int]]
    ) -> Iterator[Span]:
        """ "Resolutions 2375 and 2397": each further number is an instrument of the same
        kind; its span is the number alone (``...:more``, the canonical name is rebuilt)."""
        while rule.more is not None and (match := rule.more.match(text, end)):
            start, end = match.span("number")
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                return
            taken.append((match.start(), match.end()))
            end = match.end()
            yield Span(
                doc,
                span.start,
                span.end,
                label="LegalInstrument",
                kb_id=f"rule:instrument:{rule.id}:more",
            )

    def cue_noun_spans(self, doc: Doc, starts: list[int]) -> Iterator[Span]:
        """A name right after a typing noun: "the website Pyongyangpapers", "group CNA"."""
        heads = self.rules.appositive_heads
        for index in starts:
            token = doc[index]
            schema = heads.get(token.text)
            if schema not in _CUE_SCHEMATA or not token.is_lower:
                continue
            end = index + 1
            while end < len(doc) and end - index <= 4 and is_capitalised(doc[end]):
                if doc[end].is_punct or doc[end].ent_type_ in LEFT_STRIP_ENTS:
                    break
                end += 1
            if end > index + 1:
                yield Span(doc, index + 1, end, label=schema, kb_id="rule:cue-noun")

    def appositive_name_spans(self, doc: Doc, starts: list[int]) -> Iterator[Span]:
        """ "Sinpo Haeun, a Chinese trading firm, ...", "X (an IT company)", "X is a shipping
        company": the capitalised name an appositive or a copula's noun describes, typed by
        that noun (the model often misses names it has never seen)."""
        for index in starts:
            token = doc[index]
            schema = self.rules.appositive_heads.get(token.text)
            if schema not in _CUE_SCHEMATA or token.pos_ != "NOUN" or token.dep_ == "compound":
                continue
            name = self._described_name(doc, token)
            if name is not None:
                yield Span(doc, name[0], name[1], label=schema, kb_id="rule:appositive")

    def _described_name(self, doc: Doc, noun: Token) -> tuple[int, int] | None:
        """(start, end) of the name before ", a ... NOUN" / "(a ... NOUN" / "is a ... NOUN"
        when the parse links the noun to it (apposition or copula)."""
        det = noun.i - 1
        articles = self.rules.appositive_articles
        while det > 0 and noun.i - det <= 5 and doc[det].lower_ not in articles:
            if doc[det].is_punct and doc[det].text != "-":
                return None
            det -= 1
        link = det - 1
        if link < 1 or doc[det].lower_ not in articles:
            return None
        if doc[link].text not in (",", "(") and doc[link].lower_ not in ("is", "was"):
            return None
        end = link
        if not is_capitalised(doc[end - 1]) or doc[end - 1].is_punct:
            return None
        start = _name_start(doc, end, self.rules.name_connectors, MAX_NAME_TOKENS)
        start = _trim_left(doc, start, end, self.rules.places)
        described = noun.dep_ == "appos" and start <= noun.head.i < end
        subjects = [c for c in noun.head.children if c.dep_ == "nsubj"]
        copula = noun.dep_ == "attr" and any(start <= c.i < end for c in subjects)
        return (start, end) if start < end and (described or copula) else None

    def known_organisation_spans(self, doc: Doc) -> Iterator[Span]:
        """News organisations and research groups the pages cite ("Yonhap", "The Guardian"),
        written as the data file writes them."""
        for _match_id, start, end in self.known(doc):
            yield Span(doc, start, end, label="Organization", kb_id="rule:known-organisation")

    def patronymic_spans(self, doc: Doc) -> Iterator[Span]:
        """ "Vitaliy Sergeyevich Andreyev": a given name, a patronymic and a family name."""
        suffixes = self.typing.patronymic_suffixes
        for index in range(1, len(doc) - 1):
            token = doc[index]
            if not token.is_title or not token.lower_.endswith(suffixes) or len(token) < 6:
                continue
            given, family = doc[index - 1], doc[index + 1]
            if any(word.ent_type_ in PLACE_ENTS for word in (given, token, family)):
                continue  # "-ich" also ends places: "East Greenwich Village", "Munich Airport"
            words = given.is_title and family.is_title and given.is_alpha and family.is_alpha
            if words and not given.is_stop:  # "The Munich Security Conference"
                yield Span(doc, index - 1, index + 2, label="Person", kb_id="rule:patronymic")

    def korean_name_spans(self, doc: Doc) -> Iterator[Span]:
        """ "Im Song Sun", "Kim Tong-chol": a family name and a two-syllable given name."""
        for _match_id, start, _end in self.families(doc):
            end = self._given_name_end(doc, start + 1)
            if end:
                yield Span(doc, start, end, label="Person", kb_id="rule:korean-name")

    def _given_name_end(self, doc: Doc, index: int) -> int:
        if index + 2 < len(doc) and doc[index + 1].text == "-" and doc[index + 2].is_lower:
            first, second = doc[index], doc[index + 2]
            if self._syllable(first) and second.is_alpha and len(second) <= 6:
                return index + 3 if not doc[index].whitespace_ else 0
        # "Choe Son Hui": the model reads the last syllable as a people ("Hui", NORP) when the
        # two words before it are a person's
        person = doc[index].ent_type_ == "PERSON" and doc[index - 1].ent_type_ == "PERSON"
        if (
            index + 1 < len(doc)
            and self._syllable(doc[index])
            and self._syllable(doc[index + 1], nationality_ok=person)
        ):
            after = doc[index + 2] if index + 2 < len(doc) else None
            if after is None or not is_capitalised(after) or after.is_punct:
                return index + 2
        return 0

    def _syllable(self, token: Token, nationality_ok: bool = False) -> bool:
        """A capitalised romanised syllable, not a word that makes the span a place or firm."""
        lower = token.lower_
        excluded = ("GPE", "LOC", "DATE") if nationality_ok else ("GPE", "LOC", "NORP", "DATE")
        return (
            token.is_alpha
            and token.is_title
            and 2 <= len(token) <= 7
            and lower not in self.rules.organisation_heads
            and lower not in self.rules.generic_name_words
            and lower not in self.rules.places
            and token.ent_type_ not in excluded
        )

    def gazetteer_spans(self, doc: Doc) -> Iterator[Span]:
        """Names and aliases from the loaded sanctions lists, written like names in the text."""
        for match_id, start, end in self.gazetteer(doc):
            span = doc[start:end]
            if not any(is_capitalised(token) for token in span):
                continue
            if len(span) == 1 and (span[0].is_sent_start or span[0].is_stop):
                continue
            schema, source = self.nlp.vocab.strings[match_id].split("|", 1)
            yield Span(doc, start, end, label=schema, kb_id=f"gazetteer:{source}")


@Language.factory("sanctionwatch_rules")
def make_rule_component(nlp: Language, name: str) -> RuleComponent:
    """spaCy factory: ``nlp.add_pipe("sanctionwatch_rules")``."""
    return RuleComponent(nlp)


@Language.component("sanctionwatch_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: a heading is never the subject of the next paragraph.

    Runs before the parser, which keeps boundaries set in advance.
    """
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc
