from __future__ import annotations

from fastapi.testclient import TestClient

from web_sample_graph import TEST_TOKEN as TOKEN
from web_sample_graph import SampleGraph


def test_documents_list_and_detail_with_mentions_in_clean_text(
    client: TestClient, graph: SampleGraph
) -> None:
    page = client.get("/documents", params={"limit": 5}).json()
    assert page["total"] == 1
    assert page["results"][0]["title"] == "Exporting labour abroad"
    detail = client.get(f"/documents/{graph.document_id}").json()
    text = detail["clean_text"]
    assert not text.startswith("<p>")
    names = {m["text"] for m in detail["mentions"]}
    assert {"Korea Rungrado General Trading Corporation", "Arrowcrest Limited"} <= names
    for mention in detail["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]
        assert mention["original_start"] > mention["start"]


def test_entity_detail_has_provenance_relations_and_designations(
    client: TestClient, graph: SampleGraph
) -> None:
    body = client.get(f"/entities/{graph.rungrado}").json()
    assert body["summary"]["caption"] == "Korea Rungrado General Trading Corporation"
    names = [f for f in body["facts"] if f["prop"] == "name"]
    assert len(names) == 2
    assert all(f["document_id"] == graph.document_id and f["sentence"] for f in names)
    assert all(f["origin"] == "extract:entities" for f in names)
    relation = body["relations"][0]
    assert relation["other_id"] == graph.arrowcrest
    assert relation["direction"] == "out"
    assert relation["label"] == "owns"
    listed = client.get(f"/entities/{graph.ofac_rungrado}").json()
    assert listed["summary"]["designated"] is True
    assert listed["sanctions"][0]["program"] == ["DPRK2"]


def test_entities_filter_by_schema_and_name(client: TestClient, graph: SampleGraph) -> None:
    people = client.get("/entities", params={"schema": "Person"}).json()
    assert {e["id"] for e in people["results"]} == {graph.pak, graph.kim}
    orgs = client.get("/entities", params={"schema": "Organization", "q": "arrowcrest"}).json()
    assert [e["id"] for e in orgs["results"]] == [graph.arrowcrest]


def test_unknown_schema_is_a_clear_400(client: TestClient) -> None:
    response = client.get("/entities", params={"schema": "Spaceship"})
    assert response.status_code == 400
    assert "Spaceship" in response.json()["detail"]


def test_relations_and_graph(client: TestClient, graph: SampleGraph) -> None:
    relations = client.get("/relations", params={"entity_id": graph.arrowcrest}).json()
    assert relations["total"] == 1
    assert relations["results"][0]["properties"]["percentage"] == ["100"]
    assert relations["results"][0]["sources"][0]["id"] == graph.document_id
    network = client.get(f"/graph/{graph.arrowcrest}", params={"depth": 2}).json()
    assert {n["id"] for n in network["nodes"]} == {graph.arrowcrest, graph.rungrado}
    assert network["edges"][0]["source"] == graph.rungrado


def test_graph_marks_designated_nodes(client: TestClient, graph: SampleGraph) -> None:
    network = client.get(f"/graph/{graph.ofac_rungrado}").json()
    node = next(n for n in network["nodes"] if n["id"] == graph.ofac_rungrado)
    assert node["designated"] is True


def test_search_finds_entities_and_documents(client: TestClient, graph: SampleGraph) -> None:
    body = client.get("/search", params={"q": "rungrado"}).json()
    assert {e["id"] for e in body["entities"]["results"]} == {graph.rungrado, graph.ofac_rungrado}
    assert body["documents"]["results"][0]["document"]["id"] == graph.document_id
    assert "Rungrado" in body["documents"]["results"][0]["snippet"]


def test_pagination_is_capped(client: TestClient) -> None:
    body = client.get("/entities", params={"limit": 1000}).json()
    assert body["limit"] == 200
    second = client.get("/entities", params={"limit": 2, "offset": 2}).json()
    first = client.get("/entities", params={"limit": 2, "offset": 0}).json()
    assert {e["id"] for e in first["results"]}.isdisjoint(e["id"] for e in second["results"])


def test_missing_things_are_404(client: TestClient) -> None:
    assert client.get("/entities/nope").status_code == 404
    assert client.get("/graph/nope").status_code == 404
    assert client.get("/documents/" + "0" * 64).status_code == 404


def test_resolved_clusters_show_as_one_designated_entity(
    client: TestClient, graph: SampleGraph
) -> None:
    judgment = {"left": graph.rungrado, "right": graph.ofac_rungrado, "judgment": "same"}
    assert client.post("/resolve/judgments", json=judgment).status_code == 401
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = client.post("/resolve/judgments", json=judgment, headers=headers)
    assert response.status_code == 200, response.text
    canonical = response.json()["canonical_id"]
    assert set(response.json()["members"]) == {graph.rungrado, graph.ofac_rungrado}
    body = client.get(f"/entities/{graph.rungrado}").json()
    assert body["summary"]["id"] == canonical
    assert body["summary"]["designated"] is True
    assert body["sanctions"][0]["program"] == ["DPRK2"]
    assert {f["origin"] for f in body["facts"]} >= {"extract:entities", "list:us_ofac_sdn"}
    assert [r["other_id"] for r in body["relations"]] == [graph.arrowcrest]
    network = client.get(f"/graph/{graph.arrowcrest}").json()
    node = next(n for n in network["nodes"] if n["id"] == canonical)
    assert node["designated"] is True
    assert all(n["schema"] != "Sanction" for n in network["nodes"])
    listing = client.get("/entities", params={"q": "rungrado"}).json()
    assert [e["id"] for e in listing["results"]] == [canonical]


def test_judgment_on_unknown_entity_is_404(client: TestClient, graph: SampleGraph) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = {"left": graph.rungrado, "right": "nobody", "judgment": "same"}
    assert client.post("/resolve/judgments", json=body, headers=headers).status_code == 404


def test_claims_and_series_with_conflicts(client: TestClient, graph: SampleGraph) -> None:
    claims = client.get("/claims").json()
    assert claims["total"] == 2
    assert {c["value"] for c in claims["results"]} == {30000.0, 13000.0}
    assert all(c["document_id"] == graph.document_id for c in claims["results"])
    series = client.get("/claims/series").json()
    assert len(series) == 1
    assert series[0]["status"] == "conflicting" and series[0]["has_conflicts"]
    assert [p["as_of"] for p in series[0]["points"]] == ["2017", "2017"]
    detail = client.get(f"/documents/{graph.document_id}").json()
    point = series[0]["points"][0]
    original_figure = detail["clean_text"]  # spans are in the original text; check via sentence
    assert point["text"] in point["sentence"] and point["text"] in original_figure
