"""Is a clause stated as fact? One answer for every relation rule.

A relation is written only from a clause the page asserts. "OFAC did not designate X",
"X might sell coal to Y", "X denied being affiliated with Y", "the ministry refused to confirm
that X supplied Y" and "there is no evidence that X paid Y" state nothing; "X allegedly
supplied coal to Y" does (the page reports a claim, which is what investigators follow up;
``rules.yaml`` says so next to the hedge words, so the choice stays visible to analysts).
Nor does a question left open: "the EU has yet to designate X", "it is unclear whether X paid
Y", "Seoul is considering sanctioning X" (``unsettled``: the clause's "whether"/"if", or a
governing verb, its adverb or its complement adjective).

The words are data (``rules.yaml`` ``assertion``). The reach is structural: the verb (or
adjective) itself, then up through the clauses it completes (``xcomp``, ``ccomp``, ``acomp``,
``attr``; the clause a "no evidence" noun takes; the first verb of "did not buy or sell",
whose "not" and modal a bare conjunct shares, but not "did not buy coal but sold it"), at most
``reach`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

_CLIMB_DEPS = frozenset({"xcomp", "ccomp", "acomp", "attr"})
_DOUBT_DETERMINERS = frozenset({"no"})
_CLAUSE_DEPS = frozenset({"ccomp", "acl"})
"""Clauses with a subject of their own: climbing out of one, a modal above no longer counts
("we should keep tabs" does not hedge a clause the parser hung below it), a negation still
does ("officials did not say whether X paid Y")."""
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_CONTRASTS = frozenset({"but", "yet", "while", "whereas"})


@dataclass(frozen=True, slots=True)
class AssertionWords:
    """What takes a clause out of the page's own statements (lower-cased)."""

    modals: frozenset[str] = frozenset()
    hedges: frozenset[str] = frozenset()
    denial_verbs: frozenset[str] = frozenset()
    doubt_nouns: frozenset[str] = frozenset()
    unsettled: frozenset[str] = frozenset()
    reach: int = 3


def unasserted(token: Token, words: AssertionWords) -> str | None:
    """Why the clause of ``token`` is not asserted (``negated``, ``hedged``, ``denied``,
    ``no evidence``, ``unsettled``), or None when the page states it."""
    if token.dep_ == "appos" and _negated_apposition(token):
        return "negated"  # "X, no longer a subsidiary of Y, ..."
    current = token
    own_clause = True  # a modal hedges its own clause, not a complement clause below it
    open_question = False  # "unsettled" only when no stronger reason is found above
    below: Token | None = None  # the clause climbed out of
    for _ in range(words.reach + 1):
        reason = _own_reason(current, words, own_clause)
        if reason is not None:
            return reason
        if current is not token and current.lemma_.lower() in words.denial_verbs:
            return "denied"  # "X denied being affiliated", "refused to confirm that ..."
        if current is not token and _doubted(current, words):
            return "no evidence"
        if current.dep_ == "acl" and _doubted(current.head, words):
            return "no evidence"  # "no evidence that X paid Y" read as the noun's clause
        open_question = open_question or _unsettled(current, words, below)
        if current.head is current or not (current.dep_ in _CLIMB_DEPS or _shares_head(current)):
            break
        own_clause = own_clause and current.dep_ not in _CLAUSE_DEPS
        below, current = current, current.head
    return "unsettled" if open_question else None


def left_open(argument: Token, trigger: Token, words: AssertionWords) -> bool:
    """Is ``argument`` the object of a question left open in a clause below ``trigger``?
    "Treasury designated X and is considering whether to add Y": a rule reading "designated"
    for every object in reach must not take Y, whose own verb ("add") is unsettled; X stays.
    Only the verbs on the way from the argument up to the trigger count."""
    current = argument
    for _ in range(2 * words.reach + 2):
        if current is trigger or current.head is current:
            return False
        current = current.head
        if current is trigger:
            return False
        if current.pos_ in ("VERB", "AUX") and unasserted(current, words) == "unsettled":
            return True
    return False


def asserted(token: Token, words: AssertionWords) -> bool:
    """Does the page state the clause of ``token`` as fact (see :func:`unasserted`)?"""
    return unasserted(token, words) is None


def _own_reason(token: Token, words: AssertionWords, hedges: bool) -> str | None:
    """A negation on ``token``; with ``hedges``, also a modal or hedge adverb."""
    for child in token.children:
        if child.dep_ == "neg":
            return "negated"  # not, n't, never
        if child.dep_ == "advmod" and any(g.dep_ == "neg" for g in child.children):
            return "negated"  # "no longer"
        if hedges and child.dep_ == "aux" and child.lower_ in words.modals:
            return "hedged"
        if hedges and child.dep_ == "advmod" and child.lower_ in words.hedges:
            return "hedged"
    return None


def _unsettled(token: Token, words: AssertionWords, below: Token | None) -> bool:
    """A question the page leaves open: the clause's own "whether"/"if" ("unclear whether X
    paid Y"); above the clause (``below`` is the clause climbed out of), a governing word's
    adverb ("has yet to designate X") or complement adjective ("it is unclear whether ..."),
    or the governing word itself when what it governs is an action ("considering
    sanctioning X"), not a predicate ("is considered to be a front", "considers X a front"
    state a view). A governing word counts only before the clause it governs: a clause the
    parser hung below a later one ("X owns Y; Japan is yet to act") is not its question."""
    if any(child.dep_ == "mark" and child.lower_ in words.unsettled for child in token.children):
        return True
    if below is None or below.i < token.i:
        return False
    governing = (child for child in token.children if child.dep_ in ("advmod", "acomp"))
    if any(child.lower_ in words.unsettled for child in governing):
        return True
    return below.pos_ == "VERB" and token.lemma_.lower() in words.unsettled


def _negated_apposition(token: Token) -> bool:
    """A negation the parser hung on the apposition's head, inside the apposition: "no
    longer" in "X, no longer a subsidiary of Y, ..." (the "no" a child of "longer")."""
    head = token.head
    for child in head.children:
        if not head.i < child.i < token.i:
            continue
        if child.dep_ == "neg" or any(g.dep_ == "neg" for g in child.children):
            return True
    return False


def _doubted(token: Token, words: AssertionWords) -> bool:
    """ "no evidence" as the word itself or a noun the clause's verb takes ("There is no
    evidence that ...", "found no proof that ...")."""
    candidates = [token, *(c for c in token.children if c.dep_ in ("attr", "dobj", "nsubj"))]
    return any(
        noun.lemma_.lower() in words.doubt_nouns
        and any(child.lower_ in _DOUBT_DETERMINERS for child in noun.children)
        for noun in candidates
    )


def _shares_head(token: Token) -> bool:
    """A conjunct without a tense, an auxiliary or a subject of its own ("sell" in "did not
    buy or sell") shares its first verb's negation and modal; a contrast ("but sold it") or
    a finite conjunct does not."""
    if token.dep_ != "conj" or token.tag_ in _FINITE_TAGS:
        return False
    if any(child.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for child in token.children):
        return False
    return not any(c.dep_ == "cc" and c.lower_ in _CONTRASTS for c in token.head.children)
