"""Quantitative claims (how many, how much, as of when, according to whom).

Contract: the extraction pipeline calls :func:`extract_claims` once per parsed document, inside
the document's transaction. Claims need more than FtM properties (value, unit, qualifier,
as-of date, asserter, series), so this module owns how they are stored (table ``claims``).

Public API (see ``docs/claims.md``): :func:`find_claims` (no database), :func:`extract_claims`,
:func:`list_claims`, :func:`claim_series`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc
from sqlalchemy import delete
from sqlalchemy.orm import Session

from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.extract.claimkit import analysis, figures
from sanctionwatch.extract.claimkit.currencies import default_currencies
from sanctionwatch.extract.claimkit.dates import (
    DateExpression,
    DocumentDate,
    find_dates,
    shift_date,
)
from sanctionwatch.extract.claimkit.model import Claim
from sanctionwatch.extract.claimkit.numbers import Quantity, find_quantities
from sanctionwatch.extract.claimkit.places import Taken, collect_actors, collect_places
from sanctionwatch.extract.claimkit.series import (
    ClaimSeries,
    Estimate,
    claim_series,
    list_claims,
)
from sanctionwatch.extract.claimkit.vocabulary import Vocabulary, default_vocabulary
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.tables import DocumentRow
from sanctionwatch.textdates import IMMINENT_DEADLINE_RULE, INFERRED_DATE_RULES, read_date_evidence

__all__ = [
    "CODE_VERSION",
    "ORIGIN",
    "Claim",
    "ClaimSeries",
    "Estimate",
    "claim_series",
    "extract_claims",
    "find_claims",
    "list_claims",
    "replace_document_claims",
]

log = logging.getLogger(__name__)

ORIGIN = "extract:claims"
CODE_VERSION = "0.5.2"
DEADLINE_HINT = re.compile(r"\bdeadline|\bwithin\s|-(?:year|month)\s", re.IGNORECASE)
"""Only texts with these words get the (cheap, but whole-document) deadline pass."""


def extractor_version(vocabulary: Vocabulary, model: figures.FigureModel | None = None) -> str:
    """Code, vocabulary, currency-file and (when the learned filter runs) figure-model
    versions: what a stored claim was read with (e.g. "0.5.2+v12+c2+m1")."""
    suffix = f"+m{model.version}" if model is not None else ""
    currencies = default_currencies().version
    return f"{CODE_VERSION}+v{vocabulary.version}+c{currencies}{suffix}"


def current_version() -> str:
    """The version of the default vocabulary and figure model, as :class:`_Reader` stamps it."""
    vocabulary = default_vocabulary()
    model = figures.default_model() if vocabulary.learned_measure is not None else None
    return extractor_version(vocabulary, model)


def __getattr__(name: str) -> str:
    """``EXTRACTOR_VERSION``: the version the pipeline records per document, so that editing the
    vocabulary or the figure model (and bumping its version) re-runs claim extraction."""
    if name == "EXTRACTOR_VERSION":
        return current_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def claim_id(document_id: str, start: int, end: int, measure: str) -> str:
    digest = hashlib.sha256(f"{document_id}|{start}|{end}|{measure}".encode()).hexdigest()
    return f"claim-{digest[:32]}"


def _labels(mentions: Sequence[Mention], length: int) -> Taken:
    """Named things whose digits are part of a name (resolution 2397, Flight 17)."""
    taken = Taken(length)
    for mention in mentions:
        if mention.schema in analysis.LABEL_SCHEMAS:
            taken.take(mention.start, mention.end)
    return taken


def _doc_text(doc: Doc, context: DocumentContext) -> str:
    """The parsed text; the pipeline parses ``clean_text``, which is cheaper than ``doc.text``."""
    last = doc[-1]
    if last.idx + len(last.text_with_ws) == len(context.clean_text):
        return context.clean_text
    return str(doc.text)


class _Reader:
    """Reads the claims of one parsed document."""

    def __init__(
        self,
        doc: Doc,
        context: DocumentContext,
        mentions: list[Mention],
        vocabulary: Vocabulary,
        published: DocumentDate | None,
        model: figures.FigureModel | None = None,
    ) -> None:
        self.doc = doc
        self.model = model if vocabulary.learned_measure is not None else None
        self.context = context
        self.published = published
        self.vocabulary = vocabulary
        self.text = _doc_text(doc, context)
        self.places = collect_places(doc, mentions, vocabulary, self.text)
        self.actors = collect_actors(doc, mentions)
        self.labels = _labels(mentions, len(self.text))
        self.version = extractor_version(vocabulary, self.model)
        self.deadline: DateExpression | None = None
        self.totals: set[str] = set()
        """Ids of claims counting one number over nouns of different units."""
        try:
            self.deadline = self._document_deadline()
        except (IndexError, ValueError, KeyError, TypeError) as error:
            # An odd date must not cost the document its claims: no deadline, then.
            log.warning("%s: deadline pass skipped: %s", context.document_id[:12], error)

    def read(self) -> list[Claim]:
        quantities = find_quantities(self.text, self.vocabulary)
        by_sentence: dict[int, list[tuple[Quantity, Any]]] = {}
        for quantity in quantities:
            root = analysis.number_root(self.doc, quantity)
            if root is None:
                continue
            by_sentence.setdefault(analysis.sentence_of(root).start, []).append((quantity, root))
        claims: list[Claim] = []
        all_sentences = analysis.sentences(self.doc)
        anchor: str | None = None
        scanned = -1
        previous_claims: tuple[int, list[Claim]] = (-2, [])
        for index, sentence in enumerate(all_sentences):
            items = by_sentence.get(sentence.start)
            if not items:
                continue
            # Dates of this sentence and the one before ("a month before that" needs it).
            for previous in all_sentences[max(index - 1, scanned + 1) : index]:
                anchor = self._last_stated(previous, anchor)
            dates = self._dates(sentence, anchor)
            stated = [d.as_of for d in dates if d.kind == "stated" and d.as_of]
            anchor, scanned = (stated[-1] if stated else anchor), index
            try:
                found = self._sentence_claims(items, dates)
                if index and self._continues(sentence):
                    if previous_claims[0] == index - 1:
                        found = [_continue_from(previous_claims[1], claim) for claim in found]
                    else:
                        # "... rose sharply last year. The data showed 5,210 permits": the date
                        # of the sentence pointed back to, which holds no figure of its own.
                        previous = all_sentences[index - 1]
                        before = self._dates(previous, anchor)
                        source = analysis.sentence_asserter(previous, self.actors, self.vocabulary)
                        found = [_continue_from_date(before, source, claim) for claim in found]
                undated = any(claim.as_of_rule == "document-date" for claim in found)
                # A present-tense sentence reports the time of writing ("About 900 remain").
                if index and undated and sentence.root.tag_ not in PRESENT_TENSE_TAGS:
                    framing = self._as_of_frame(all_sentences[index - 1], anchor)
                    found = [_as_of_from_frame(framing, claim) for claim in found]
                claims.extend(found)
                previous_claims = (index, found)
            except (IndexError, ValueError, KeyError) as error:
                # One unreadable sentence (an odd parse) must not cost the document its claims.
                log.warning(
                    "%s: claims of sentence at %d skipped: %s",
                    self.context.document_id[:12],
                    sentence.start_char,
                    error,
                )
        units = self.vocabulary.restated_total_units
        rule = self.vocabulary.learned_measure
        unique = _deduplicate(claims, rule.key if rule is not None else None)
        return _drop_restated_totals(unique, self.totals, units)

    def _as_of_frame(self, previous: Any, anchor: str | None) -> DateExpression | None:
        """ "As of March 1, 2019, ... . Inspectors found 140 workers ...": the one "as of"
        date the sentence before states frames the undated figures of the next one."""
        opening = len(previous.text) - len(AS_OF_OPENING.sub("", previous.text, count=1))
        frames = self.vocabulary.as_of_frames
        framing = [
            d
            for d in self._dates(previous, anchor)
            if d.as_of
            and d.role == "as_of"
            and d.kind != "document-date"
            and d.start - previous.start_char <= opening
            and frames is not None
            and frames.match(d.text.strip())
        ]
        return framing[0] if len(framing) == 1 else None

    def _dates(
        self, sentence: Any, anchor: str | None, deadline: str | None = None
    ) -> list[DateExpression]:
        text = self.text[sentence.start_char : sentence.end_char]
        reference = self.published.reference if self.published else None
        inferred = self.published is not None and self.published.inferred
        found = find_dates(
            text,
            reference,
            self.vocabulary,
            anchor,
            published_inferred=inferred,
            published_precision=self._precision(),
            reference_note=self.published.describe() if self.published else None,
            deadline=deadline if deadline is not None else self._deadline_iso(),
        )
        return [shift_date(d, sentence.start_char) for d in found]

    def _precision(self) -> int:
        """How much of the publication date is known: an inferred day is no known day."""
        if self.published is None:
            return 10
        known = len(self.published.iso)
        return min(known, 7) if self.published.inferred else known

    def _deadline_iso(self) -> str | None:
        return self.deadline.as_of if self.deadline is not None else None

    def _document_deadline(self) -> DateExpression | None:
        """The latest deadline the text sets ("within 24 months" of a dated resolution, "a
        December 22 deadline"), which "the deadline" then means. Deadlines resolved against an
        inferred publication date are left out: they are not evidence of anything."""
        if not DEADLINE_HINT.search(self.text):
            return None
        deadlines: list[DateExpression] = []
        ahead = self.vocabulary.looking_ahead
        all_sentences = analysis.sentences(self.doc)
        for index, sentence in enumerate(all_sentences):
            text = sentence.text
            if not (DEADLINE_HINT.search(text) or (ahead is not None and ahead.search(text))):
                continue  # no deadline can be set here
            anchor = None
            for previous in all_sentences[max(0, index - 2) : index]:
                anchor = self._last_stated(previous, anchor, deadline="")
            dates = self._dates(sentence, anchor, deadline="")
            deadlines.extend(
                d for d in dates if d.deadline and d.as_of and d.kind != "relative-inferred"
            )
        return max(deadlines, key=lambda d: d.as_of or "", default=None)

    def _continues(self, sentence: Any) -> bool:
        """Does ``sentence`` open with a word that points back ("This labour export ...")?"""
        opening = sentence.text.lstrip().lower()
        return any(
            re.match(rf"{re.escape(opener)}\b", opening)
            for opener in self.vocabulary.continuation_openers
        )

    def _last_stated(
        self, sentence: Any, anchor: str | None, deadline: str | None = None
    ) -> str | None:
        found = self._dates(sentence, anchor, deadline)
        stated = [d.as_of for d in found if d.kind == "stated" and d.as_of]
        return stated[-1] if stated else anchor

    def _sentence_claims(
        self, items: list[tuple[Quantity, Any]], dates: list[DateExpression]
    ) -> list[Claim]:
        # Pass 1: what each figure measures; pass 2: dates, which only real figures compete for
        # ("the 1718 Committee in March 2020" does not take the date from "511 workers").
        measured: list[tuple[Quantity, Any, analysis.CountedNoun | None, analysis.Measured]] = []
        widening: list[tuple[int, Quantity]] = []
        for quantity, root in items:
            if quantity.vague or analysis.is_label_or_date(self.doc, quantity, self.labels):
                continue
            noun = analysis.counted_noun(root, quantity, self.vocabulary)
            if analysis.is_no_figure(quantity, root, noun, self.text, self.actors, self.vocabulary):
                continue
            # "... some say as high as 8,000" widens; "as many as 1,400 in Oman", "as many as
            # 1,000 may be working in Malta" (elided counts with a clause of their own) do not
            bare = noun is None or (noun.via == "elided" and not _has_own_clause(root))
            if bare and measured and self._widens(quantity, measured[-1][0]):
                widening.append((len(measured) - 1, quantity))
                continue
            found = analysis.match_measure(
                quantity, root, noun, self.places, self.actors, self.vocabulary
            ) or self._learned(quantity, root, noun)
            if found is not None:
                measured.append((quantity, root, noun, found))
        figures = [quantity for quantity, *_ in measured] + [q for _, q in widening]
        claims = [
            self._claim(quantity, root, noun, found, dates, [f for f in figures if f != quantity])
            for quantity, root, noun, found in measured
        ]
        self.totals.update(
            claim.id
            for claim, (_, _, noun, _) in zip(claims, measured, strict=True)
            if noun is not None and noun.via == "total"
        )
        for index, upper in widening:
            if claims[index].value_low is None:
                claims[index] = _widen(claims[index], upper)
        return claims

    def _learned(
        self, quantity: Quantity, root: Any, noun: analysis.CountedNoun | None
    ) -> analysis.Measured | None:
        """A figure no measure rule names, kept when the learned filter says it is a claim."""
        rule = self.vocabulary.learned_measure
        if self.model is None or rule is None or (noun is not None and noun.via == "elided"):
            return None  # an elided count is a figure only where a measure rule names it
        token = figures.noun_of_figure(root, noun)
        unit = figures.figure_unit(quantity, token, self.vocabulary)
        if unit is None or figures.ruled_out(quantity, root, token, self.vocabulary):
            return None
        features = figures.figure_features(quantity, root, noun, self.vocabulary)
        probability = self.model.probability(features)
        if probability < self.model.threshold:
            return None
        label = rule.label.replace("{unit}", unit)
        return analysis.Measured(rule, rule.key, label, unit, None, None, None, False, probability)

    def _widens(self, quantity: Quantity, estimate: Quantity) -> bool:
        """ "around 20,000 ... some say as high as 50,000": a bound beyond the estimate before
        it; "some 3,000 ... as many as 1,000 ..." is a second, smaller figure, not a bound."""
        cue = self.text[quantity.start : quantity.number_start].strip().lower()
        if cue in self.vocabulary.range_upper_cues:
            return quantity.value > estimate.value
        if cue in self.vocabulary.range_lower_cues:
            return quantity.value < estimate.value
        return False

    def _claim(
        self,
        quantity: Quantity,
        root: Any,
        noun: analysis.CountedNoun | None,
        measured: analysis.Measured,
        dates: list[DateExpression],
        others: list[Quantity],
    ) -> Claim:
        bound = analysis.bind_date(quantity, root, noun.token if noun else None, dates, others)
        if bound is not None and bound.kind != "document-date":
            as_of, as_of_kind = bound.as_of, bound.kind if bound.as_of else "unknown"
        else:
            as_of, as_of_kind = analysis.document_date(self.published)
        phrase, rule, note = self._as_of_evidence(bound, dates, quantity)
        asserter = analysis.find_asserter(root, self.actors, self.vocabulary)
        start, end = self.context.offsets.span_to_original(quantity.start, quantity.end)
        sentence = analysis.sentence_of(root)
        return Claim(
            id=claim_id(self.context.document_id, start, end, measured.key),
            document_id=self.context.document_id,
            measure=measured.key,
            measure_label=measured.label,
            value=quantity.value,
            value_low=quantity.low,
            value_high=quantity.high,
            unit=measured.unit,
            qualifier=quantity.qualifier,
            period=analysis.find_period(
                sentence.text,
                quantity.end - sentence.start_char,
                min((o.start for o in others if o.start >= quantity.end), default=sentence.end_char)
                - sentence.start_char,
            ),
            as_of=as_of,
            as_of_kind=as_of_kind,
            as_of_phrase=phrase,
            as_of_rule=rule,
            as_of_note=note,
            subject_entity_id=measured.subject.entity_id if measured.subject else None,
            subject_name=measured.subject.text if measured.subject else None,
            asserted_by=asserter.name if asserter else None,
            asserter_entity_id=asserter.entity_id if asserter else None,
            start=start,
            end=end,
            text=quantity.text,
            sentence=sentence.text.strip(),
            extractor_version=self.version,
            confidence=_confidence(quantity, noun, measured, as_of_kind, self.published),
        )

    def _as_of_evidence(
        self, bound: DateExpression | None, dates: list[DateExpression], quantity: Quantity
    ) -> tuple[str | None, str, str]:
        """The phrase that dates the figure, the rule and what it was resolved against."""
        document = self.published.describe() if self.published else "no publication date known"
        if bound is not None and bound.kind != "document-date":
            return bound.text.strip(), bound.rule, bound.note or "stated in the text"
        if bound is not None:
            return bound.text.strip(), "present", f"present tense: the {document}"
        start = analysis.start_marker(quantity, dates)
        if start is not None:
            note = f"a start (“{start.text.strip()}”), not an as-of date: the {document}"
            return start.text.strip(), "since", note
        return None, "document-date", f"no date in the text: the {document}"


def _has_own_clause(root: Any) -> bool:
    """Does a bare number carry words of its own: a place ("1,400 in Oman"), a clause ("2,100
    working abroad") or a verb whose subject it is ("as many as 1,000 may be working")?"""
    return root.dep_ in ("nsubj", "nsubjpass") or any(
        child.dep_ in ("prep", "acl", "relcl") for child in root.children
    )


def _redated(claim: Claim, dated: DateExpression | Claim, rule: str, note: str) -> Claim:
    """``claim`` dated by another sentence's date (an expression, or a claim it continues):
    the one place the five as-of fields are rewritten together."""
    phrase: str | None
    if isinstance(dated, DateExpression):
        as_of, kind, phrase = dated.as_of, dated.kind, dated.text.strip()
    else:
        as_of, kind, phrase = dated.as_of, dated.as_of_kind, dated.as_of_phrase
    return replace(
        claim,
        as_of=as_of,
        as_of_kind=kind,
        as_of_phrase=phrase,
        as_of_rule=rule,
        as_of_note=note.format(phrase=phrase),
    )


CONTINUATION_NOTE = "continues the sentence before, dated by “{phrase}”"


def _continue_from_date(
    dates: list[DateExpression], source: analysis.Asserter | None, claim: Claim
) -> Claim:
    """An undated figure continuing a sentence that has one date and no figure takes it, and
    that sentence's source when it has none of its own."""
    if claim.asserted_by is None and source is not None:
        claim = replace(claim, asserted_by=source.name, asserter_entity_id=source.entity_id)
    usable = [
        d for d in dates if d.as_of and d.role in ("at", "as_of") and d.kind != "document-date"
    ]
    if len(usable) != 1 or claim.as_of_rule not in ("document-date", "present"):
        return claim
    return _redated(claim, usable[0], "continuation", CONTINUATION_NOTE)


def _continue_from(previous: list[Claim], claim: Claim) -> Claim:
    """A figure in a sentence that continues the one before ("This labour export earns an
    estimated $500 million") takes that sentence's date and source when it has none."""
    dated = [c for c in previous if c.as_of_rule not in (None, "document-date", "present", "since")]
    if not dated:
        return claim
    source = dated[-1]
    if claim.as_of_rule in ("document-date", "present"):
        claim = _redated(claim, source, "continuation", CONTINUATION_NOTE)
    if claim.asserted_by is None and source.asserted_by is not None:
        claim = replace(
            claim, asserted_by=source.asserted_by, asserter_entity_id=source.asserter_entity_id
        )
    return claim


PRESENT_TENSE_TAGS = frozenset({"VBP", "VBZ"})
AS_OF_OPENING = re.compile(r"^[\W_]*")
"""Bullets, quotes and spaces before the first word of a sentence."""


def _as_of_from_frame(framing: DateExpression | None, claim: Claim) -> Claim:
    if framing is None or claim.as_of_rule != "document-date":
        return claim
    return _redated(
        claim, framing, "as-of-before", "the sentence before states the figures “{phrase}”"
    )


def _drop_restated_totals(
    claims: list[Claim], totals: set[str], units: frozenset[str]
) -> list[Claim]:
    """ "ten nationals and firms" where the text also counts "seven nationals" and "three
    firms": a total of counts given apart is not a figure of its own. The counts are indexed
    by value, so each total looks up the partner of every count instead of trying every pair."""
    if not totals:
        return claims
    units_by_value: dict[float, set[str]] = {}
    for count in claims:
        if count.id not in totals and count.unit in units:
            units_by_value.setdefault(count.value, set()).add(count.unit)

    def restated(total: Claim) -> bool:
        for value, found in units_by_value.items():
            partners = units_by_value.get(total.value - value, set())
            if any(a != b for a in found for b in partners):
                return True
        return False

    return [c for c in claims if c.id not in totals or not restated(c)]


def _widen(claim: Claim, upper: Quantity) -> Claim:
    low, high = sorted((claim.value, upper.value))
    return replace(claim, value_low=low, value_high=high, qualifier="range")


def _confidence(
    quantity: Quantity,
    noun: analysis.CountedNoun | None,
    measured: analysis.Measured,
    as_of_kind: str,
    published: DocumentDate | None = None,
) -> float:
    score = 0.85
    if noun is not None and noun.via == "direct":
        score += 0.05
    if noun is not None and noun.via in ("antecedent", "next", "number-of", "elided"):
        score -= 0.1
    if measured.place_via == "last":
        score -= 0.15
    if measured.inherited_nationality:
        score -= 0.1
    if measured.rule.place and measured.place is None:
        score -= 0.15
    if quantity.decimal_comma:
        score -= 0.1
    if as_of_kind in ("document-date", "unknown"):
        score -= 0.05
    if as_of_kind == "document-date-inferred":
        score -= 0.15
    if as_of_kind == "relative-inferred":
        score -= 0.1
    score -= _page_date_doubt(as_of_kind, published)
    if measured.learned is not None:
        score = min(score, measured.learned, LEARNED_CONFIDENCE)
    return round(min(max(score, 0.1), 0.99), 2)


DATED_BY_PAGE = frozenset({"document-date", "document-date-inferred", "relative-inferred"})
"""As-of kinds that rest on the page's date."""
WEAK_PAGE_DATE = 0.4
"""Below this ingest confidence a page date is a weak clue: a lower bound from the text's latest
event, a caption or a landmark (0.3-0.35), or a date the text contradicts whose rule was weak
already (a PDF's creation date, a wire dateline's year from the text: 0.3); other contradicted
dates stay at 0.4 or more. This comes on top of the lower confidence of the ``-inferred`` as-of
kinds: a graded second step, not the same doubt counted twice."""


def _page_date_doubt(as_of_kind: str, published: DocumentDate | None) -> float:
    """How much less a figure dated by a weakly supported page date is trusted."""
    if published is None or as_of_kind not in DATED_BY_PAGE:
        return 0.0
    return 0.05 if published.confidence < WEAK_PAGE_DATE else 0.0


LEARNED_CONFIDENCE = 0.6
"""Ceiling on the confidence of a figure only the learned filter kept."""


def _deduplicate(claims: list[Claim], learned_key: str | None = None) -> list[Claim]:
    """A figure repeated in one document (lead and body) is one claim, kept at first mention."""
    seen: set[tuple[Any, ...]] = set()
    dated: set[tuple[Any, ...]] = set()
    unique = []
    for claim in claims:
        key = (claim.measure, claim.value, claim.unit, claim.qualifier, claim.as_of)
        figure = (claim.measure, claim.value, claim.unit)
        # "indicted 14 men on Dec. 11" ... "this indictment of 14 nationals": the same figure
        # restated later with no date of its own is the dated one, not a second claim
        if key in seen or (claim.as_of_rule in UNDATED_RULES and figure in dated):
            continue
        seen.add(key)
        unique.append(claim)
        if claim.as_of_rule not in UNDATED_RULES:
            dated.add(figure)
    if learned_key is not None:
        # A figure the learned filter kept that restates one a rule named ("14 men" ... "the
        # 14 North Korean nationals") is the same figure, kept as the rule named it.
        named = {(c.value, c.unit) for c in unique if c.measure != learned_key}
        unique = [c for c in unique if c.measure != learned_key or (c.value, c.unit) not in named]
    placed = {
        (c.measure.split(":")[0], c.value, c.unit)
        for c in unique
        if ":" in c.measure and not c.measure.endswith(UNSPECIFIED)
    }
    # "1,000 workers remain in Russia" ... "about 1,000 are still here", restated in a quote
    # without the place: the same figure, kept once, with its place.
    return [
        c
        for c in unique
        if not (
            c.measure.endswith(UNSPECIFIED) and (c.measure.split(":")[0], c.value, c.unit) in placed
        )
    ]


UNSPECIFIED = ":unspecified"
UNDATED_RULES = frozenset({"document-date", "present"})
"""Rules of a figure the text gives no date of its own."""


def find_claims(
    doc: Doc,
    context: DocumentContext,
    mentions: list[Mention],
    vocabulary: Vocabulary | None = None,
    published: DocumentDate | None = None,
    *,
    learned: bool = True,
) -> list[Claim]:
    """The claims of a parsed document, without touching the database.

    ``published`` (precision and whether it was inferred) defaults to ``context.published``;
    ``learned=False`` keeps only the figures the measure rules name (the learned filter's
    leave-one-set-out experiment compares the two).
    """
    if not len(doc) or not context.clean_text.strip():
        return []
    if published is None and context.published is not None:
        published = DocumentDate(context.published.isoformat())
    model = figures.default_model() if learned else None
    reader = _Reader(doc, context, mentions, vocabulary or default_vocabulary(), published, model)
    return reader.read()


def stored_publication_date(session: Session, context: DocumentContext) -> DocumentDate | None:
    """The document's date as ingest stored it: keeps "2017-09" (which ``context.published``
    cannot hold) and whether it was inferred rather than given."""
    row = session.get(DocumentRow, context.document_id)
    return None if row is None else publication_date_of(row)


def publication_date_of(row: DocumentRow) -> DocumentDate | None:
    """The date ingest stored for a document row, with a note when its rule matters."""
    if not row.published_at:
        return None
    published = DocumentDate.parse(row.published_at, inferred=row.date_kind == "inferred")
    if published is None:
        return None
    confidence = _evidence_confidence(row.date_evidence)
    published = replace(published, confidence=confidence)
    if not published.inferred:
        return published
    return replace(published, note=_inferred_date_note(published, row.date_evidence))


def _evidence_confidence(evidence: str | None) -> float:
    """Ingest's confidence in a stored date (1.0 when it kept none, as for old rows)."""
    raw = read_date_evidence(evidence).get("confidence")
    return float(raw) if isinstance(raw, int | float) and 0 <= raw <= 1 else 1.0


def _inferred_date_note(published: DocumentDate, evidence: str | None) -> str:
    """How ingest inferred the date, for an analyst reading an as-of date resolved against it:
    the clue (rule and phrase) and that it is only a lower bound; a date moved to an imminent
    deadline (ingest's rule ``imminent-deadline``) says so."""
    found = read_date_evidence(evidence)
    method = str(found.get("method") or "")
    phrase = " ".join(str(found.get("phrase") or "").split())[:80]
    if method == IMMINENT_DEADLINE_RULE:
        return (
            f"month of the imminent deadline {published.iso} (“{phrase}”); the text's own dates "
            "are only a lower bound (publication date inferred by ingest)"
        )
    if not method:
        return ""
    clue = INFERRED_DATE_RULES.get(method, method)
    quoted = f" “{phrase}”" if phrase else ""
    return (
        f"publication date {published.iso}, inferred by ingest from {clue}{quoted}: "
        "a lower bound, the page may be later"
    )


def replace_document_claims(session: Session, document_id: str, claims: Sequence[Claim]) -> None:
    """Swap this extractor's claims of one document for ``claims`` (same transaction)."""
    session.execute(
        delete(ClaimRow).where(ClaimRow.document_id == document_id, ClaimRow.origin == ORIGIN)
    )
    session.add_all(_row(claim) for claim in claims)
    session.flush()


def _row(claim: Claim) -> ClaimRow:
    return ClaimRow(
        id=claim.id,
        document_id=claim.document_id,
        measure=claim.measure,
        measure_label=claim.measure_label,
        subject_entity_id=claim.subject_entity_id,
        subject_name=claim.subject_name,
        value=claim.value,
        value_low=claim.value_low,
        value_high=claim.value_high,
        unit=claim.unit,
        qualifier=claim.qualifier,
        period=claim.period,
        as_of=claim.as_of,
        as_of_kind=claim.as_of_kind,
        as_of_phrase=claim.as_of_phrase,
        as_of_rule=claim.as_of_rule,
        as_of_note=claim.as_of_note,
        asserted_by=claim.asserted_by,
        asserter_entity_id=claim.asserter_entity_id,
        span_start=claim.start,
        span_end=claim.end,
        text=claim.text,
        sentence=claim.sentence,
        origin=ORIGIN,
        extractor_version=claim.extractor_version,
        confidence=claim.confidence,
    )


def extract_claims(
    session: Session, doc: Doc, context: DocumentContext, mentions: list[Mention]
) -> int:
    """Find the claims in ``doc``, replace this document's stored claims, return how many."""
    published = stored_publication_date(session, context)
    if published is None and context.published is not None:
        published = DocumentDate(context.published.isoformat())
    claims = find_claims(doc, context, mentions, published=published)
    replace_document_claims(session, context.document_id, claims)
    return len(claims)
