"""The named evaluators rules refer to (``evaluator:`` in a rule file).

Each takes the resolved :class:`~sanctionwatch.flags.graph.Graph`, the rule's parameters and a
list to append data problems to, and returns :class:`Finding` objects: which canonical entities,
a key that tells two findings on the same entities apart, the values the explanation template
uses, and the facts (statements) that triggered it.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sanctionwatch.flags.graph import (
    DOCUMENT_DATASET,
    DocSentence,
    Fact,
    Graph,
    Node,
    without_title,
)
from sanctionwatch.resolve.config import load_resolver_config
from sanctionwatch.resolve.features import FeatureScorer
from sanctionwatch.screen.normalize import InvalidNameError, prepare_name

PARTY_SCHEMATA = ("LegalEntity",)
LINK_SCHEMATA = ("Interval", "Address")


@dataclass
class Finding:
    entity_ids: list[str]
    key: str
    values: dict[str, Any]
    evidence: list[Fact] = field(default_factory=list)


Evaluator = Callable[[Graph, dict[str, Any], list[str]], list[Finding]]
EVALUATORS: dict[str, Evaluator] = {}


def evaluator(function: Evaluator) -> Evaluator:
    """Register ``function`` under its name so rule files can refer to it."""
    EVALUATORS[function.__name__] = function
    return function


# --- helpers -------------------------------------------------------------------------------------


def _lists(name: str | None) -> dict[str, list[str]]:
    from sanctionwatch.flags.rules import load_list

    return load_list(name) if name else {}


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Whole-word, case-insensitive alternation (longest first)."""
    alternatives = sorted({re.escape(w) for w in words if w}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


def _documented(facts: Iterable[Fact]) -> list[Fact]:
    """Facts first that cite a document span (those are the evidence an analyst can read)."""
    unique = {fact.statement_id: fact for fact in facts}
    return sorted(unique.values(), key=lambda f: (f.document_id is None, f.prop, f.statement_id))


def _parties(graph: Graph) -> list[Node]:
    return [
        node
        for node in graph.nodes.values()
        if node.is_a(*PARTY_SCHEMATA) and not node.is_a(*LINK_SCHEMATA) and node.in_documents
    ]


def _name(graph: Graph, entity_id: str) -> str:
    node = graph.node(entity_id)
    return node.name if node else entity_id


def _percentage(values: list[str]) -> float | None:
    for value in values:
        found = re.search(r"\d+(?:[.,]\d+)?", value)
        if found:
            return float(found.group().replace(",", "."))
    return None


# --- shared address ------------------------------------------------------------------------------


def _normalise_address(value: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", value.casefold()).split())


_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}


def remark_count(remark: str) -> int | None:
    """The number a remark states ("twelve firms" -> 12), ``None`` when it names one party."""
    for word in re.findall(r"[\w-]+", remark.casefold()):
        if word.isdigit():
            return max(int(word), 1)
        if word in _NUMBER_WORDS:
            return max(_NUMBER_WORDS[word], 1)
    return None


@dataclass
class _Cluster:
    label: str
    members: set[str] = field(default_factory=set)
    remarks: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    claimed: int = 0
    """Co-located firms a stated figure counts (a claim in the same sentence)."""

    def sentences(self) -> set[tuple[str, str]]:
        return {(f.document_id, f.sentence) for f in self.facts if f.document_id and f.sentence}

    def size(self, named: list[str]) -> tuple[int, list[str]]:
        """Parties at the address and the unnamed sharers' descriptions: named members, each
        remark naming one party, and the larger of the remarks' figures and a claimed figure
        (the two usually count the same firms: "twelve companies" in both)."""
        remarks = [r for r in self.remarks if r not in named]
        single = [r for r in remarks if remark_count(r) is None]
        counted = sum(remark_count(r) or 0 for r in remarks)
        described = list(remarks)
        if self.claimed > counted:
            described.append(f"{self.claimed - counted} more firms (stated figure)")
        return len(self.members) + len(single) + max(counted, self.claimed), described


@evaluator
def shared_address(graph: Graph, params: dict[str, Any], issues: list[str]) -> list[Finding]:
    """Parties sharing an Address entity (``addressEntity`` or the Address's unnamed sharers in
    ``remarks``) or an equal normalised address string, as stated in the reports; a stated
    figure of firms at the address (a claim in a sentence with a shared-address cue) counts the
    unnamed ones and is cited as evidence, with or without an Address entity."""
    min_companies = int(params.get("min_companies", 3))
    mission = _pattern(params.get("mission_words", ["consulate", "embassy"]))
    venue_words, markers = params.get("venue_words", []), params.get("dprk_markers", [])
    venue = _pattern(venue_words) if venue_words and markers else None
    marker = _pattern(markers) if venue_words and markers else None

    def dprk_venue(name: str) -> bool:
        return bool(venue and marker and venue.search(name) and marker.search(name))

    clusters = _address_clusters(graph)
    _add_count_claims(graph, params, clusters)
    findings = []
    for key, cluster in sorted(clusters.items()):
        names = sorted(_name(graph, member) for member in cluster.members)
        size, remarks = cluster.size(names)
        missions = [name for name in names + remarks if mission.search(name)]
        venues = [name for name in names + remarks if name not in missions and dprk_venue(name)]
        if size < 2 or (size < min_companies and not missions and not venues):
            continue
        note = f" (incl. diplomatic mission: {', '.join(missions)})" if missions else ""
        note += f" (incl. DPRK-run venue: {', '.join(venues)})" if venues else ""
        values = {
            "count": size,
            "address": cluster.label,
            "names": "; ".join(names + remarks),
            "mission_note": note,
        }
        findings.append(Finding(sorted(cluster.members), key, values, _documented(cluster.facts)))
    return findings


def _address_clusters(graph: Graph) -> dict[str, _Cluster]:
    clusters: dict[str, _Cluster] = {}
    for address in graph.links("Address"):
        if not address.in_documents:
            continue
        label = (address.values("full") or address.values("summary") or [address.id])[0]
        cluster = clusters[address.id] = _Cluster(label)
        cluster.remarks = address.values("remarks")
        cluster.facts.extend(f for f in address.facts() if f.dataset == DOCUMENT_DATASET)
    for party in graph.nodes.values():
        if party.is_a("Address"):
            continue
        for fact in party.props.get("addressEntity", []):
            linked = clusters.get(fact.value)
            if linked is not None and fact.dataset == DOCUMENT_DATASET:
                linked.members.add(party.id)
                linked.facts.append(fact)
        for fact in party.props.get("address", []):
            if fact.dataset != DOCUMENT_DATASET:
                continue
            key = "text:" + _normalise_address(fact.value)
            cluster = clusters.setdefault(key, _Cluster(fact.value))
            cluster.members.add(party.id)
            cluster.facts.append(fact)
    return clusters


def _add_count_claims(graph: Graph, params: dict[str, Any], clusters: dict[str, _Cluster]) -> None:
    """Attach each stated count of firms in a shared-address sentence ("the consulate shared its
    address with no less than twelve companies") to the address cluster read from the same
    sentence, or make one from the claim alone with the parties that sentence names."""
    units = {str(unit).casefold() for unit in params.get("count_units", ["companies", "firms"])}
    cue = _pattern(params.get("shared_cues", ["same address", "shared its address"]))
    by_sentence: dict[tuple[str, str], _Cluster] = {}
    for cluster in clusters.values():
        if not cluster.remarks and len(cluster.members) < 2:
            continue  # a place named in the sentence ("Vladivostok") is not the shared address
        for found in cluster.sentences():
            by_sentence.setdefault(found, cluster)
    for claim in graph.claims:
        fact = claim.fact
        if claim.unit.casefold() not in units or not fact.document_id or not fact.sentence:
            continue
        if not cue.search(fact.sentence):
            continue
        target = by_sentence.get((fact.document_id, fact.sentence))
        if target is None:
            target = _claim_cluster(graph, fact)
            clusters["claim:" + _sentence_key(fact.document_id, fact.sentence)] = target
            by_sentence[(fact.document_id, fact.sentence)] = target
        target.claimed = max(target.claimed, int(claim.value))
        target.facts.append(fact)


def _claim_cluster(graph: Graph, claim: Fact) -> _Cluster:
    """An address known only from a sentence: its sharers are the parties the sentence names."""
    cluster = _Cluster("")
    for node in _parties(graph):
        facts = [
            f
            for f in node.props.get("name", [])
            if f.document_id == claim.document_id and f.sentence == claim.sentence
        ]
        if facts:
            cluster.members.add(node.id)
            cluster.facts.extend(facts)
    names = sorted(_name(graph, member) for member in cluster.members)
    cluster.label = f"shared by {', '.join(names)}" if names else "described in the report"
    return cluster


def _sentence_key(document_id: str, sentence: str) -> str:
    digest = hashlib.sha1(f"{document_id}|{sentence}".encode()).hexdigest()[:16]
    return f"{document_id[:12]}:{digest}"


# --- designation ---------------------------------------------------------------------------------


SCREENING_HIT = "screening hit"


@dataclass
class Designation:
    sources: list[str] = field(default_factory=list)
    evidence: list[Fact] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        """A Sanction link or a resolved list entry, not only a screening hit (a namesake?)."""
        return any(not source.startswith(SCREENING_HIT) for source in self.sources)


def designations(graph: Graph, match_threshold: float) -> dict[str, Designation]:
    """Canonical id -> why it counts as designated (Sanction link, list entry, screening hit)."""
    found: dict[str, Designation] = defaultdict(Designation)
    for sanction in graph.links("Sanction"):
        authority = sanction.values("authority") or sanction.values("program")
        datasets = {fact.dataset for fact in sanction.facts()}
        label = ", ".join(authority[:2]) or ", ".join(sorted(datasets))
        for target in sanction.values("entity"):
            node = graph.node(target)
            if node is None:
                continue
            entry = found[node.id]
            entry.sources.append(f"sanction: {label}")
            entry.evidence.extend(sanction.facts())
    for node in graph.nodes.values():
        if node.from_list and not node.is_a(*LINK_SCHEMATA):
            lists = sorted({f.dataset for f in node.facts() if f.origin.startswith("list:")})
            entry = found[node.id]
            entry.sources.append("listed: " + ", ".join(lists))
            entry.evidence.extend(f for f in node.props.get("name", []) if f.document_id)
    for graph_id, list_id, source, score in graph.matches:
        if score >= match_threshold and graph_id in graph.nodes:
            entry = found[graph_id]
            entry.sources.append(f"{SCREENING_HIT} {source} {list_id} ({score:.2f})")
            entry.evidence.extend(f for f in graph.nodes[graph_id].props.get("name", []))
    for entry in found.values():
        entry.sources = list(dict.fromkeys(entry.sources))
    return dict(found)


@evaluator
def designated_party(graph: Graph, params: dict[str, Any], issues: list[str]) -> list[Finding]:
    """Entities the reports mention that are designated (see :func:`designations`)."""
    found = designations(graph, float(params.get("match_threshold", 0.85)))
    findings = []
    for node_id, entry in sorted(found.items()):
        node = graph.nodes.get(node_id)
        if node is None or not node.in_documents:
            continue
        values = {
            "name": node.name,
            "sources": "; ".join(entry.sources),
            "verdict": "is designated" if entry.confirmed else str(params.get("unconfirmed", "")),
        }
        findings.append(Finding([node_id], "", values, _documented(entry.evidence)))
    return findings


@dataclass(frozen=True)
class Share:
    owner: str
    asset: str
    percentage: float | None
    role: str
    facts: tuple[Fact, ...]


def ownership_shares(graph: Graph, issues: list[str]) -> list[Share]:
    """Owner -> asset edges from Ownership links; self-ownership and >100% are reported."""
    shares = []
    for link in graph.links("Ownership"):
        owners, assets = link.values("owner"), link.values("asset")
        percentage = _percentage(link.values("percentage"))
        role = (link.values("role") or ["owner"])[0]
        for owner in owners:
            for asset in assets:
                if owner == asset:
                    issues.append(f"{link.id}: {_name(graph, owner)} owns itself; ignored")
                    continue
                shares.append(Share(owner, asset, percentage, role, tuple(link.facts())))
    totals: dict[str, float] = defaultdict(float)
    for share in shares:
        totals[share.asset] += share.percentage or 0.0
    for asset, total in sorted(totals.items()):
        if total > 100.0:
            issues.append(f"{_name(graph, asset)}: stated shares add up to {total:g}% (> 100%)")
    return shares


def controlled_shares(
    shares: list[Share], root: str, max_depth: int, issues: list[str]
) -> dict[str, tuple[float, list[Share]]]:
    """Aggregated fraction of each asset ``root`` holds through chains of known percentages.

    Shares multiply along a chain and add up over distinct chains; a chain never revisits a
    node, so cycles end (and are reported once).
    """
    by_owner: dict[str, list[Share]] = defaultdict(list)
    for share in shares:
        if share.percentage is not None:
            by_owner[share.owner].append(share)
    totals: dict[str, tuple[float, list[Share]]] = {}
    cycles: set[str] = set()

    def walk(node: str, fraction: float, chain: list[Share], seen: frozenset[str]) -> None:
        if len(chain) >= max_depth:
            return
        for share in by_owner.get(node, []):
            if share.asset in seen:
                cycles.add(share.asset)
                continue
            held = fraction * min(share.percentage or 0.0, 100.0) / 100.0
            total, best = totals.get(share.asset, (0.0, []))
            totals[share.asset] = (total + held, best or [*chain, share])
            walk(share.asset, held, [*chain, share], seen | {share.asset})

    walk(root, 1.0, [], frozenset({root}))
    for node in sorted(cycles):
        issues.append(f"ownership cycle through {node} (followed once)")
    return totals


_RELATIONS = {
    "subsidiary": "a subsidiary of",
    "parent company": "a subsidiary of",
    "joint venture": "a joint-venture partner of",
    "front for": "a front for",
    "affiliate": "an affiliate of",
}


def _link_relations(graph: Graph, roles: set[str]) -> list[tuple[str, str, str, list[Fact]]]:
    """(entity, related designated-candidate, relation words, facts) for role-bearing links."""
    found = []
    for link in graph.links("Ownership", "UnknownLink", "Membership"):
        role = (link.values("role") or [""])[0].casefold()
        if role not in roles:
            continue
        words = _RELATIONS.get(role, f"linked ({role}) to")
        facts = link.facts()
        if link.is_a("Ownership"):
            for parent in link.values("owner"):
                for child in link.values("asset"):
                    found.append((child, parent, words, facts))
        elif link.is_a("Membership"):
            for member in link.values("member"):
                for org in link.values("organization"):
                    found.append((member, org, words, facts))
        else:
            for subject in link.values("subject"):
                for obj in link.values("object"):
                    found.append((subject, obj, words, facts))
                    if role == "joint venture":
                        found.append((obj, subject, words, facts))
    return found


@evaluator
def designated_affiliate(graph: Graph, params: dict[str, Any], issues: list[str]) -> list[Finding]:
    """Owned ≥ threshold (aggregated), owned with share unstated, or subsidiary/JV/front of a
    designated party."""
    found = designations(graph, float(params.get("match_threshold", 0.85)))
    threshold = float(params.get("ownership_threshold", 50))
    max_depth = int(params.get("max_depth", 8))
    roles = {str(role).casefold() for role in params.get("link_roles", [])}
    shares = ownership_shares(graph, issues)
    results: dict[tuple[str, str], Finding] = {}

    def add(entity: str, designated: str, relation: str, facts: Iterable[Fact]) -> None:
        node = graph.nodes.get(entity)
        if node is None or not node.in_documents or entity == designated or entity in found:
            return
        key = (entity, designated)
        if key in results:
            return
        values = {
            "name": node.name,
            "relation": relation,
            "designated": _name(graph, designated),
        }
        results[key] = Finding([entity, designated], "", values, _documented(facts))

    for designated in sorted(found):
        for asset, (fraction, chain) in controlled_shares(
            shares, designated, max_depth, issues
        ).items():
            if fraction * 100 >= threshold:
                via = f" through {len(chain)} links" if len(chain) > 1 else ""
                facts = [fact for share in chain for fact in share.facts]
                add(asset, designated, f"owned {fraction * 100:g}%{via} by", facts)
    for share in shares:
        if (
            share.owner in found
            and share.percentage is None
            and share.role in ("owner", "shareholder")
        ):
            add(share.asset, share.owner, "owned (share not stated) by", share.facts)
    for entity, other, words, facts in _link_relations(graph, roles):
        if other in found:
            add(entity, other, words, facts)
    return [results[key] for key in sorted(results)]


# --- offshore shareholder, nationality, jurisdiction ---------------------------------------------


@evaluator
def offshore_shareholder(graph: Graph, params: dict[str, Any], issues: list[str]) -> list[Finding]:
    """An owner (any Ownership role) registered or based in a listed secrecy jurisdiction."""
    jurisdictions = _lists(params.get("jurisdictions", "secrecy_jurisdictions"))
    props = params.get("props", ["jurisdiction", "country"])
    findings = []
    for share in ownership_shares(graph, []):
        owner = graph.nodes.get(share.owner)
        if owner is None:
            continue
        places = [
            f for prop in props for f in owner.props.get(prop, []) if f.value in jurisdictions
        ]
        if not places:
            continue
        code = places[0].value
        role = "parent company" if share.role == "subsidiary" else share.role
        values = {
            "owner": owner.name,
            "jurisdiction": jurisdictions[code][0],
            "role": role,
            "asset": _name(graph, share.asset),
        }
        findings.append(
            Finding([share.owner, share.asset], code, values, _documented([*share.facts, *places]))
        )
    unique = {(tuple(f.entity_ids), f.key): f for f in findings}
    return [unique[key] for key in sorted(unique)]


def _is_listed(fact: Fact, prefix: str) -> bool:
    return fact.origin.startswith("list:") or (fact.original_value or "").casefold().startswith(
        prefix.casefold()
    )


_NATIONALITY_PROPS = ("nationality", "mainCountry", "summary")
_NATIONALITY_SUMMARY = re.compile(r"nationality (listed|reported) as:\s*([\w, ]+)", re.IGNORECASE)


@evaluator
def nationality_masking(graph: Graph, params: dict[str, Any], issues: list[str]) -> list[Finding]:
    """Listed nationality (registry, list entry, 'listed as') disjoint from reported nationality."""
    prefix = str(params.get("listed_prefix", "listed as"))
    sides: dict[str, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for node in graph.nodes.values():
        if node.is_a(*LINK_SCHEMATA):
            continue
        # a company's country is its `mainCountry` (FtM companies have no nationality)
        for fact in [*node.props.get("nationality", []), *node.props.get("mainCountry", [])]:
            side = "listed" if _is_listed(fact, prefix) else "reported"
            sides[node.id][side].append(fact)
    for link in graph.links("Ownership"):
        for fact in link.props.get("summary", []):
            found = _NATIONALITY_SUMMARY.search(fact.value)
            if not found:
                continue
            for asset in link.values("asset"):
                for code in re.split(r"[,\s]+", found.group(2).strip()):
                    if code:
                        side = found.group(1).casefold()
                        sides[asset][side].append(_with_value(fact, code))
                        sides[asset][side].extend(link.facts())
    findings = []
    for node_id, by_side in sorted(sides.items()):
        listed = {f.value for f in by_side["listed"] if f.prop in _NATIONALITY_PROPS}
        reported = {f.value for f in by_side["reported"] if f.prop in _NATIONALITY_PROPS}
        if not listed or not reported or listed & reported:
            continue
        values = {
            "name": _name(graph, node_id),
            "listed": ", ".join(sorted(listed)),
            "reported": ", ".join(sorted(reported)),
        }
        facts = [*by_side["listed"], *by_side["reported"]]
        findings.append(Finding([node_id], "", values, _documented(facts)))
    return findings


def _with_value(fact: Fact, value: str) -> Fact:
    return Fact(
        fact.statement_id,
        fact.entity_id,
        fact.schema,
        fact.prop,
        value,
        fact.dataset,
        fact.origin,
        fact.document_id,
        fact.start,
        fact.end,
        fact.sentence,
        fact.original_value,
    )


@evaluator
def jurisdiction_mismatch(graph: Graph, params: dict[str, Any], issues: list[str]) -> list[Finding]:
    """Registered jurisdiction vs listed country, or listed vs reported country, disjoint."""
    prefix = str(params.get("listed_prefix", "listed as"))
    findings = []
    for node in _parties(graph):
        groups: dict[str, list[Fact]] = {
            "registered in": [],
            "listed as based in": [],
            "reported in": [],
        }
        groups["registered in"] = list(node.props.get("jurisdiction", []))
        for fact in node.props.get("country", []):
            kind = "listed as based in" if _is_listed(fact, prefix) else "reported in"
            groups[kind].append(fact)
        for first_kind, second_kind in (
            ("registered in", "listed as based in"),
            ("listed as based in", "reported in"),
        ):
            first = {f.value for f in groups[first_kind]}
            second = {f.value for f in groups[second_kind]}
            if first and second and not first & second:
                values = {
                    "name": node.name,
                    "first_kind": first_kind,
                    "first": ", ".join(sorted(first)),
                    "second_kind": second_kind,
                    "second": ", ".join(sorted(second)),
                }
                facts = _documented([*groups[first_kind], *groups[second_kind]])
                findings.append(Finding([node.id], f"{first_kind}|{second_kind}", values, facts))
    return findings


# --- names, territories, sentences ---------------------------------------------------------------


def _name_key(name: str) -> str:
    """A name without case, punctuation, script or legal form ("AIR KORYO" = "Air Koryo")."""
    try:
        return " ".join(prepare_name(name, "Company").texts)
    except InvalidNameError:
        return ""


def _has_legal_form(name: str) -> bool:
    try:
        return bool(prepare_name(name, "Company").legal_forms)
    except InvalidNameError:
        return False


def _designated_names(graph: Graph, found: dict[str, Designation]) -> set[str]:
    """Name keys of every designated entity, list entries included (report or not)."""
    keys: set[str] = set()
    for node_id in found:
        node = graph.nodes.get(node_id)
        if node is not None:
            keys.update(_name_key(v) for prop in ("name", "alias") for v in node.values(prop))
    keys.discard("")
    return keys


def _reuse_candidate(node: Node, params: dict[str, Any]) -> bool:
    """A firm that could be a front: a Company, or an organisation whose name has a legal form
    ("Myohyangsan" the mountain or a party committee named after its city are not firms)."""
    if node.is_a(*params.get("schemata", ["Company"])):
        return True
    if not node.is_a(*params.get("legal_form_schemata", [])):
        return False
    return any(_has_legal_form(name) for name in node.values("name"))


def _at_home(node: Node, params: dict[str, Any]) -> bool:
    """Registered or based where the brand comes from: its own name, not a reuse."""
    home = {str(code).casefold() for code in params.get("home_countries", [])}
    places = [*node.values("country"), *node.values("jurisdiction")]
    return any(place.casefold() in home for place in places)


@evaluator
def name_reuse(graph: Graph, params: dict[str, Any], issues: list[str]) -> list[Finding]:
    """Firms whose names carry a DPRK toponym/brand or a distinctive word of a designated name.

    Name reuse means ANOTHER legal person under the brand: a new firm taking a designated
    entity's name (a front, a joint venture, a renamed successor). Not reuse: the designated
    entity itself (resolved to it, or a mention under one of its listed names that resolution
    has not joined yet), its own short or long form ("Korea Namgang Trading Corporation" and
    "Namgang Trading": same core, compatible trades, see :func:`same_legal_person`), an entity
    sharing its registration number, and, for toponyms, a firm of the home country.
    """
    toponyms = _lists(params.get("toponyms", "dprk_toponyms"))
    min_length = int(params.get("min_token_length", 5))
    generic = {str(word).casefold() for word in params.get("generic_words", [])}
    generic |= resolver_generic_words()
    found = designations(graph, float(params.get("match_threshold", 0.85)))
    designated_names = _designated_names(graph, found)
    brand_of = {alias.casefold(): brand for brand, aliases in toponyms.items() for alias in aliases}
    brand_pattern = _pattern(brand_of)
    designated_words = _designated_words(graph, found, min_length, generic | set(brand_of))
    word_pattern = _pattern(designated_words) if designated_words else None
    findings = []
    for node in _parties(graph):
        if node.id in found or not _reuse_candidate(node, params):
            continue
        names = [f for f in node.props.get("name", []) if f.dataset == DOCUMENT_DATASET]
        if any(_name_key(f.value) in designated_names for f in names):
            continue
        if not _at_home(node, params):
            findings.extend(_brand_findings(node, names, brand_pattern, brand_of))
        former = [f for f in node.props.get("previousName", []) if f.dataset == DOCUMENT_DATASET]
        for fact in [*names, *former] if word_pattern else []:
            for hit in word_pattern.finditer(fact.value) if word_pattern else []:
                word = hit.group(1).casefold()
                for source in designated_words[word]:
                    if same_legal_person(node, graph.nodes[source]):
                        continue
                    label = f"designated {_name(graph, source)}"
                    if fact.prop == "previousName":
                        label += f" (as its former name {fact.value})"
                    values = {"name": node.name, "token": hit.group(1), "source": label}
                    findings.append(
                        Finding([node.id, source], f"designated:{word}", values, [fact])
                    )
                    break
    return _merge_evidence(findings)


def _brand_findings(
    node: Node, names: list[Fact], pattern: re.Pattern[str], brand_of: dict[str, str]
) -> list[Finding]:
    findings = []
    for fact in names:
        for hit in pattern.finditer(fact.value):
            brand = brand_of[hit.group(1).casefold()]
            values = {
                "name": node.name,
                "token": hit.group(1),
                "source": f"the DPRK brand/toponym {brand}",
            }
            findings.append(Finding([node.id], f"brand:{brand}", values, [fact]))
    return findings


def _designated_words(
    graph: Graph, found: dict[str, Designation], min_length: int, generic: set[str]
) -> dict[str, list[str]]:
    """Distinctive word of a designated organisation the reports name -> those organisations."""
    words: dict[str, list[str]] = defaultdict(list)
    for node_id in sorted(found):
        node = graph.nodes.get(node_id)
        if node is None or not node.in_documents or not node.is_a("Organization"):
            continue
        for word in re.findall(r"[\w-]+", node.name):
            folded = word.casefold()
            if len(folded) >= min_length and folded not in generic and node_id not in words[folded]:
                words[folded].append(node_id)
    return {word: ids for word, ids in words.items() if ids}


def resolver_generic_words() -> set[str]:
    """The resolver's generic words (legal forms, trade words, country words, head nouns)."""
    return set(load_resolver_config().generic_words)


@lru_cache(maxsize=1)
def _name_scorer() -> FeatureScorer:
    return FeatureScorer(load_resolver_config())


def _identifiers(node: Node) -> set[str]:
    props = ("registrationNumber", "taxNumber", "innCode", "ogrnCode", "leiCode", "imoNumber")
    return {re.sub(r"\W", "", v).upper() for prop in props for v in node.values(prop) if v}


def same_legal_person(left: Node, right: Node) -> bool:
    """Two names of one firm: a shared registration number, or a name of each with the same
    core and compatible trade words ("Korea Namgang Trading Corporation" / "Namgang Trading" /
    "Namgang"), as the resolver cuts names, and no conflicting legal form or country.

    Not the same: "Namgang Construction" (a sibling: trades conflict), "Zhonghe Logistics" next to
    "Zhonghe Precision Machinery" (other core), "Pugang LLC" registered in Russia next to "Korea
    Pugang Trading Corporation" (an LLC is not a corporation; a Russian firm is not a DPRK one).
    """
    if _identifiers(left) & _identifiers(right):
        return True
    if _conflicting(_countries(left), _countries(right)):
        return False
    scorer = _name_scorer()
    for one in _all_names(left):
        a = scorer.name_parts(one)
        for other in _all_names(right):
            b = scorer.name_parts(other)
            if not a.fused or a.fused != b.fused:
                continue
            trades_agree = a.descriptors <= b.descriptors or b.descriptors <= a.descriptors
            if trades_agree and not _conflicting(_legal_forms(one), _legal_forms(other)):
                return True
    return False


def _conflicting(left: frozenset[str], right: frozenset[str]) -> bool:
    return bool(left and right and not left & right)


def _countries(node: Node) -> frozenset[str]:
    return frozenset(v.casefold() for p in ("country", "jurisdiction") for v in node.values(p))


def _legal_forms(name: str) -> frozenset[str]:
    try:
        return frozenset(prepare_name(name, "Company").legal_forms)
    except InvalidNameError:
        return frozenset()


def _all_names(node: Node) -> list[str]:
    return [*node.values("name"), *node.values("alias")]


def _merge_evidence(findings: list[Finding]) -> list[Finding]:
    """One finding per (entities, key), with the evidence of all duplicates."""
    merged: dict[tuple[tuple[str, ...], str], Finding] = {}
    for finding in findings:
        key = (tuple(finding.entity_ids), finding.key)
        if key in merged:
            merged[key].evidence = _documented([*merged[key].evidence, *finding.evidence])
        else:
            merged[key] = finding
    return [merged[key] for key in sorted(merged)]


@evaluator
def relocation(graph: Graph, params: dict[str, Any], issues: list[str]) -> list[Finding]:
    """Location facts naming an unreported territory, or a sentence where a move/work cue takes
    workers to a territory (see :func:`relocation_in_sentence`); the parties the sentence names
    as the movers are flagged with it (not the newspaper that reported it, nor the UN)."""
    territories = _lists(params.get("territories", "unreported_territories"))
    territory_of = {
        alias.casefold(): name for name, aliases in territories.items() for alias in aliases
    }
    pattern = _pattern(territory_of)
    props = set(params.get("props", ["address", "country"]))
    findings = []
    for node in _parties(graph):
        for fact in node.facts():
            if fact.dataset != DOCUMENT_DATASET:
                continue
            texts = [fact.value, fact.original_value or ""] if fact.prop in props else []
            for text in texts:
                for hit in pattern.finditer(text):
                    territory = territory_of[hit.group(1).casefold()]
                    values = {"name": node.name, "territory": territory}
                    findings.append(Finding([node.id], territory, values, [fact]))
    cue = _Cue(
        cues=_pattern(params.get("cues", ["moved", "relocated"])),
        workers=_pattern(params.get("worker_words", ["workers"])),
        territories=pattern,
        max_words=int(params.get("max_words", 12)),
        attribution=_pattern(params.get("attribution_words", ["said", "told", "according"])),
    )
    for document_id, sentence, facts, own in document_sentences(graph):
        found = relocation_in_sentence(sentence, cue)
        if found is None:
            continue
        move, place = found
        territory = territory_of[place.group(1).casefold()]
        entities = _movers(graph, facts, sentence, move, place, cue)
        names = ", ".join(_name(graph, e) for e in entities)
        label = f"Workers (sentence names {names})" if names else "Workers"
        values = {"name": label, "territory": territory}
        digest = hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:16]
        key = f"{territory}:{document_id}:{digest}"
        own_facts = [own] if own else []
        mover_facts = [f for f in facts if f.entity_id in entities]
        evidence = [*own_facts, *mover_facts] or facts
        findings.append(Finding(entities, key, values, _documented(evidence)))
    return _merge_evidence(findings)


@dataclass(frozen=True)
class _Cue:
    cues: re.Pattern[str]
    workers: re.Pattern[str]
    territories: re.Pattern[str]
    max_words: int
    attribution: re.Pattern[str]


_WORD = re.compile(r"[\w’'-]+")


def relocation_in_sentence(sentence: str, cue: _Cue) -> tuple[re.Match[str], re.Match[str]] | None:
    """(cue, territory) when a move/work cue takes workers to a territory: the territory follows
    the cue within ``max_words`` words, and a worker word is within ``max_words`` of the cue.

    A sentence that merely describes the territory, or names workers far from the move ("...
    unrepresented in the U.N. By employing them there ... the workers' families"), does not count.
    """
    starts = [word.start() for word in _WORD.finditer(sentence)]

    def position(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    workers = [position(w.start()) for w in cue.workers.finditer(sentence)]
    if not workers:
        return None
    for move in cue.cues.finditer(sentence):
        at = position(move.start())
        if not any(abs(w - at) <= cue.max_words for w in workers):
            continue
        for place in cue.territories.finditer(sentence):
            if 0 < position(place.start()) - at <= cue.max_words:
                return move, place
    return None


def _movers(
    graph: Graph,
    facts: list[Fact],
    sentence: str,
    move: re.Match[str],
    place: re.Match[str],
    cue: _Cue,
) -> list[str]:
    """Parties named in the clause of the move, before the territory (see :func:`actors`)."""
    return actors(graph, facts, sentence, move.start(), place.start(), cue.attribution)


_CLAUSE_BREAK = re.compile(r"[,;:]\s+(?=[\"“‘(]?[A-Z])")
_NEW_SUBJECT = re.compile(r"\s+(?:that\s+)?(?=[\"“‘(]?[A-Z])")


def actors(
    graph: Graph,
    facts: list[Fact],
    sentence: str,
    cue_start: int,
    end: int,
    attribution: re.Pattern[str],
) -> list[str]:
    """The parties a sentence names in the clause of its cue, up to ``end``.

    The clause starts after the last comma, colon or reporting word ("said", "told") before the
    cue that a capitalised word follows: in "X said in an interview with Y, Z could hire
    workers to ...", Z acts while X and Y only report it; in "According to the website W:
    'smugglers carried cash ...'", W is the source, not a smuggler.
    """
    clause = _clause_start(sentence, cue_start, attribution)
    found = []
    for entity_id in _sentence_entities(graph, facts):
        node = graph.nodes[entity_id]
        mentions = {*node.values("name"), *node.values("alias")}
        mentions.update(f.original_value or "" for f in facts if f.entity_id == entity_id)
        for mention in sorted(m for m in mentions if len(m) > 1):
            hit = _pattern([mention]).search(sentence, clause)
            if hit is not None and hit.start() < end:
                found.append(entity_id)
                break
    return found


def _clause_start(sentence: str, before: int, attribution: re.Pattern[str]) -> int:
    start = 0
    for boundary in _CLAUSE_BREAK.finditer(sentence[:before]):
        start = boundary.end()
    for said in attribution.finditer(sentence[:before]):
        following = _NEW_SUBJECT.match(sentence[said.end() : before])
        if following is not None:
            start = max(start, said.end() + following.end())
    return start


def _sentence_fact(sentence: DocSentence) -> Fact:
    digest = hashlib.sha1(sentence.text.encode("utf-8")).hexdigest()
    return Fact(
        f"sentence:{digest}",
        "",
        "",
        "sentence",
        sentence.text,
        DOCUMENT_DATASET,
        "flags:sentences",
        sentence.document_id,
        sentence.start,
        sentence.end,
        sentence.text,
        None,
    )


def document_sentences(graph: Graph) -> list[tuple[str, str, list[Fact], Fact | None]]:
    """(document id, sentence, facts stated in it, sentence fact) over every document sentence
    and every statement sentence (deduplicated by text)."""
    by_sentence: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    by_document: dict[str, list[Fact]] = defaultdict(list)
    for node in graph.nodes.values():
        for fact in node.facts():
            if fact.document_id and fact.dataset == DOCUMENT_DATASET:
                by_document[fact.document_id].append(fact)
                text = without_title(fact.sentence or "", graph.titles.get(fact.document_id))
                if text:
                    by_sentence[(fact.document_id, " ".join(text.split()))].append(fact)
    found: dict[tuple[str, str], tuple[list[Fact], Fact | None]] = {
        key: (facts, None) for key, facts in by_sentence.items()
    }
    for sentence in graph.sentences:
        key = (sentence.document_id, sentence.text)
        inside = [
            f
            for f in by_document.get(sentence.document_id, [])
            if f.start is not None and sentence.start <= f.start < sentence.end
        ]
        facts = list({f.statement_id: f for f in [*by_sentence.get(key, []), *inside]}.values())
        found[key] = (facts, _sentence_fact(sentence))
    return [(doc, text, facts, own) for (doc, text), (facts, own) in sorted(found.items())]


SENTENCE_PARTIES = ("LegalEntity", "Vessel", "Airplane")
"""What a sentence rule may flag: not the resolution or report the sentence cites."""


def _sentence_entities(graph: Graph, facts: list[Fact]) -> list[str]:
    parties = set()
    for fact in facts:
        node = graph.nodes.get(fact.entity_id)
        if node is not None and node.is_a(*SENTENCE_PARTIES) and not node.is_a(*LINK_SCHEMATA):
            parties.add(fact.entity_id)
    return sorted(parties)


def cue_hits(
    sentence: str,
    phrase_pattern: re.Pattern[str] | None,
    groups: list[re.Pattern[str]],
    proximity: int,
) -> tuple[re.Match[str] | None, list[re.Match[str]]] | None:
    """(phrase, one hit per group) when the sentence has the phrase (if any) and a word of
    every group, all within ``proximity`` words of one anchor (the phrase, else a hit of the
    first group); ``proximity`` 0 means anywhere in the sentence."""
    starts = [word.start() for word in _WORD.finditer(sentence)]

    def position(match: re.Match[str]) -> int:
        return bisect.bisect_right(starts, match.start())

    anchors: list[re.Match[str] | None]
    if phrase_pattern is not None:
        anchors = list(phrase_pattern.finditer(sentence))
    else:
        anchors = list(groups[0].finditer(sentence)) if groups else [None]
    for anchor in anchors:
        chosen = []
        for group in groups:
            hits = list(group.finditer(sentence))
            if anchor is not None:
                hits.sort(key=lambda hit: abs(position(hit) - position(anchor)))
                if proximity and hits and abs(position(hits[0]) - position(anchor)) > proximity:
                    hits = []
            if not hits:
                break
            chosen.append(hits[0])
        else:
            return (anchor if phrase_pattern is not None else None), chosen
    return None


@evaluator
def sentence_cues(graph: Graph, params: dict[str, Any], issues: list[str]) -> list[Finding]:
    """Sentences with one of ``phrases`` and a word of every ``all_of`` group; the parties named
    in the clause of the first cue are flagged with it (none when it names none; not the source
    a sentence quotes, see :func:`actors`)."""
    phrases = _lists(params.get("phrases"))
    phrase_of = {alias.casefold(): kind for kind, aliases in phrases.items() for alias in aliases}
    phrase_pattern = _pattern(phrase_of) if phrase_of else None
    groups = [_pattern(group) for group in params.get("all_of", [])]
    attribution = _pattern(params.get("attribution_words", ["said", "told", "according"]))
    findings = []
    proximity = int(params.get("proximity", 0))
    for document_id, sentence, facts, own in document_sentences(graph):
        found = cue_hits(sentence, phrase_pattern, groups, proximity)
        if found is None:
            continue
        phrase, hits = found
        cue = phrase.group(1) if phrase else " / ".join(h.group(1) for h in hits if h)
        kind = phrase_of[phrase.group(1).casefold()] if phrase else cue
        digest = hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:16]
        values = {
            "phrase": f"{kind} visas" if phrase else kind,
            "cue": cue,
            "document": document_id[:12],
        }
        first = min(hit.start() for hit in [phrase, *hits] if hit is not None)
        entities = actors(graph, facts, sentence, first, len(sentence), attribution)
        cited = [f for f in facts if f.entity_id in entities]
        evidence = _documented([*([own] if own else []), *(cited or facts)])
        findings.append(Finding(entities, f"{document_id}:{digest}", values, evidence))
    return findings
