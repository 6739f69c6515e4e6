"""A new claim far from its series raises one alert; one within the ratio raises none."""

from __future__ import annotations

from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.ingest.pipeline import ingest_bytes
from sanctionwatch.monitor.alerts import claim_alerts
from sanctionwatch.store import Database


def _claim(database: Database, number: int, value: float) -> str:
    text = f"Report {number}: about {value:g} workers were sent abroad in 2025."
    outcome = ingest_bytes(
        database, text.encode(), source=f"https://example.org/{number}", media_type="text/plain"
    )
    assert outcome.document_id
    with database.session() as session:
        session.add(
            ClaimRow(
                id=f"claim-{number}",
                document_id=outcome.document_id,
                measure="dprk_workers_abroad",
                measure_label="DPRK workers abroad",
                value=value,
                unit="people",
                qualifier="approx",
                period=None,
                as_of="2025",
                as_of_kind="stated",
                span_start=10,
                span_end=20,
                text=f"about {value:g} workers",
                sentence=text,
                extractor_version="test",
                confidence=0.9,
            )
        )
    return outcome.document_id


def test_claim_divergence(database: Database) -> None:
    _claim(database, 1, 10000)
    _claim(database, 2, 13000)
    close = _claim(database, 3, 20000)
    far = _claim(database, 4, 100000)
    with database.session() as session:
        assert claim_alerts(session, [close], ratio=3.0) == []
        alerts = claim_alerts(session, [far], ratio=3.0)
        assert len(alerts) == 1
        assert alerts[0].kind == "claim_divergence" and alerts[0].document_id == far
        assert alerts[0].score is not None and alerts[0].score > 3.0
        assert "DPRK workers abroad" in alerts[0].title
        assert claim_alerts(session, [far], ratio=3.0) == []
