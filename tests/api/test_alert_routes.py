"""Alerts over HTTP: listing, the Atom feed, and reviews that need the token and are audited."""

from __future__ import annotations

from defusedxml import ElementTree
from fastapi.testclient import TestClient

from sanctionwatch.monitor.alerts import raise_alert
from sanctionwatch.monitor.audit import entries
from sanctionwatch.store import Database
from web_sample_graph import TEST_TOKEN as TOKEN

ATOM = "{http://www.w3.org/2005/Atom}"


def _alert(database: Database) -> int:
    with database.session() as session:
        row = raise_alert(
            session,
            fingerprint="test:hit:1",
            kind="screening_hit",
            title="Sample Trading Corp matches a designated company",
            entity_ids=["co-sample", "ofac-1"],
            score=0.91,
        )
        assert row is not None
        return row.id


def test_alerts_are_listed_and_filtered_by_status(client: TestClient, database: Database) -> None:
    alert_id = _alert(database)
    listed = client.get("/alerts", params={"status": "open"}).json()
    assert [item["id"] for item in listed["results"]] == [alert_id]
    assert client.get("/alerts", params={"status": "cleared"}).json()["total"] == 0
    assert client.get("/alerts", params={"status": "bogus"}).status_code == 422


def test_alerts_feed_is_atom_with_one_entry_per_alert(
    client: TestClient, database: Database
) -> None:
    _alert(database)
    response = client.get("/alerts.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert len(titles) == 1 and "Sample Trading Corp" in (titles[0] or "")


def test_review_needs_the_token_and_is_audited(client: TestClient, database: Database) -> None:
    alert_id = _alert(database)
    body = {"decision": "clear", "note": "different company", "user": "ana"}
    assert client.post(f"/alerts/{alert_id}/review", json=body).status_code in (401, 403)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    answer = client.post(f"/alerts/{alert_id}/review", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert client.get("/alerts", params={"status": "cleared"}).json()["total"] == 1
    missing = client.post("/alerts/999999/review", json=body, headers=headers)
    assert missing.status_code == 404
    with database.session() as session:
        decisions = [(e.alert_id, e.decision, e.note, e.actor) for e in entries(session)]
    assert (alert_id, "clear", "different company", "ana") in decisions


def test_alerts_page_lists_and_reviews_with_the_token(
    client: TestClient, database: Database
) -> None:
    alert_id = _alert(database)
    page = client.get("/ui/alerts")
    assert page.status_code == 200 and "Sample Trading Corp" in page.text
    form = {"decision": "escalate", "note": "needs a second look"}
    refused = client.post(f"/ui/alerts/{alert_id}/review", data=form, follow_redirects=False)
    assert refused.status_code in (401, 403)
    done = client.post(
        f"/ui/alerts/{alert_id}/review",
        data={**form, "token": TOKEN},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "escalated" in client.get("/ui/alerts", params={"status": "escalated"}).text
    missing = client.post("/ui/alerts/424242/review", data={**form, "token": TOKEN})
    assert missing.status_code == 404
