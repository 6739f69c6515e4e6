from __future__ import annotations

import re

from fastapi.testclient import TestClient

from sanctionwatch.flags.engine import evaluate_flags, flag_detail, list_flags
from sanctionwatch.resolve import resolve_entities
from sanctionwatch.store import Database
from web_sample_graph import SampleGraph


def test_home_redirects_and_lists_documents(pages: TestClient) -> None:
    response = pages.get("/")
    assert response.status_code == 200
    assert "Exporting labour abroad" in response.text


def test_document_reader_links_mentions_to_entities(pages: TestClient, graph: SampleGraph) -> None:
    html = pages.get(f"/ui/documents/{graph.document_id}").text
    assert "&lt;p&gt;" not in html and "<p>Exporting" not in html
    links = re.findall(r'class="mention[^"]*"[^>]*href="/ui/entities/([^"]+)"', html)
    assert graph.rungrado in links and graph.arrowcrest in links and graph.pak in links
    assert "<mark>Arrowcrest Limited</mark>" in html


def test_entity_page_shows_sources_relations_and_matches(
    pages: TestClient, graph: SampleGraph
) -> None:
    html = pages.get(f"/ui/entities/{graph.rungrado}").text
    assert "Korea Rungrado General Trading Corporation" in html
    assert "Arrowcrest Limited" in html and "owns" in html
    assert "according to company filings" in html  # the source sentence
    assert f"/ui/documents/{graph.document_id}" in html
    assert f"/ui/entities/{graph.ofac_rungrado}" in html  # screening match against OFAC
    listed = pages.get(f"/ui/entities/{graph.ofac_rungrado}").text
    assert "DPRK2" in listed and "Office of Foreign Assets Control" in listed


def test_network_page_has_table_fallback_and_graph_json(
    pages: TestClient, graph: SampleGraph
) -> None:
    html = pages.get(f"/ui/network/{graph.arrowcrest}").text
    assert 'id="graph-table"' in html
    assert "Korea Rungrado General Trading Corporation" in html
    assert f'"root": "{graph.arrowcrest}"' in html


def test_screen_form_finds_kim(pages: TestClient, graph: SampleGraph) -> None:
    html = pages.get("/ui/screen", params={"name": "Kim Chong-un"}).text
    assert "KIM Jong Un" in html and "match" in html
    bad = pages.get("/ui/screen", params={"name": "x", "dataset": "nowhere"})
    assert bad.status_code == 400
    assert "No such dataset" in bad.text


def test_flags_page_renders_empty_state(pages: TestClient) -> None:
    assert "No flags" in pages.get("/ui/flags").text


def test_claims_timeline_shows_each_estimate_and_the_conflict(pages: TestClient) -> None:
    html = pages.get("/ui/claims").text
    assert "North Korean workers in Russia" in html
    rows = re.findall(r'<tr class="claim conflicting"', html)
    assert len(rows) == 2
    assert "30,000" in html and "13,000" in html
    assert "Russian migration statistics" in html and 'id="claims-chart"' in html


def test_upload_form_needs_token_and_redirects_to_the_reader(pages: TestClient) -> None:
    data = {"token": "wrong"}
    files = {"file": ("memo.txt", b"A memo about a ship called Example Star. " * 10)}
    refused = pages.post("/ui/upload", data=data, files=files)
    assert refused.status_code == 401
    accepted = pages.post("/ui/upload", data={"token": "web-token-0123456789"}, files=files)
    assert accepted.status_code == 200
    assert "Example Star" in accepted.text
    assert "/ui/documents/" in str(accepted.url)


def test_missing_pages_are_html_404(pages: TestClient) -> None:
    response = pages.get("/ui/entities/nope")
    assert response.status_code == 404
    assert "<html" in response.text and "No entity nope" in response.text


def test_flag_review_form_needs_token_records_the_decision_and_redirects(
    pages: TestClient, sqlite_database: Database
) -> None:
    resolve_entities(sqlite_database)  # flags read the resolved graph
    evaluate_flags(sqlite_database)
    with sqlite_database.session() as session:
        flag_id = list_flags(session)[0].id
    form = {"decision": "dismissed", "note": "known registry agent"}
    refused = pages.post(f"/ui/flags/{flag_id}/review", data=form, follow_redirects=False)
    assert refused.status_code == 401
    done = pages.post(
        f"/ui/flags/{flag_id}/review",
        data={**form, "token": "web-token-0123456789"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/ui/flags?message=Flag+{flag_id}+is+now+dismissed"
    with sqlite_database.session() as session:
        detail = flag_detail(session, flag_id)
    assert detail.status == "dismissed"
    assert (detail.reviews[-1].user, detail.reviews[-1].note) == ("web", "known registry agent")
    missing = pages.post(
        "/ui/flags/flag-nope/review", data={**form, "token": "web-token-0123456789"}
    )
    assert missing.status_code == 404
