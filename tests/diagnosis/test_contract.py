"""The --json shape of a diagnosis is exactly contract.md section 2, and the API is pinned."""

from __future__ import annotations

import json

from world import CONTEXT, NOW, quiet, with_person

import unstuck.diagnosis
from unstuck.diagnosis import diagnose
from unstuck.domain import Channel, FindingKind, PlayId, Scenario, Stance


def test_the_json_shape_is_the_contracts() -> None:
    deal = with_person(quiet(days=61), "dana", stance=Stance.RESISTANT)
    data = json.loads(json.dumps(diagnose(deal, NOW, CONTEXT).to_dict()))
    assert {"deal", "stalled", "severity", "findings", "plays"} <= set(data)
    assert data["deal"] == "acme-fleet" and data["stalled"] is True
    assert 0 <= data["severity"] <= 1
    for finding in data["findings"]:
        assert {"kind", "scenario", "severity", "evidence"} <= set(finding)
        assert finding["kind"] in {str(k) for k in FindingKind}
        assert finding["scenario"] is None or finding["scenario"] in {str(s) for s in Scenario}
        assert (finding["scenario"] is not None) == (finding["kind"] == "resistance")
        assert all(isinstance(line, str) and line for line in finding["evidence"])
    for play in data["plays"]:
        assert {"id", "for", "rationale", "channel", "steps", "draft"} <= set(play)
        assert play["id"] in {str(p) for p in PlayId}
        assert set(play["for"]) <= {f["kind"] for f in data["findings"]}
        assert set(play["channel"]) <= {str(c) for c in Channel}
        assert play["steps"] and play["draft"]


def test_the_contract_example_reads_the_same() -> None:
    data = diagnose(quiet(days=61), NOW, CONTEXT).to_dict()
    assert data["findings"][0]["kind"] == "gone_quiet"
    assert data["findings"][0]["evidence"] == [
        "No reply from Acme Corp since 2026-09-20 (61 days); 3 messages sent since."
    ]
    assert data["plays"][0]["id"] == "follow_up_cadence"
    assert data["plays"][0]["for"] == ["gone_quiet"]


def test_the_public_api_is_pinned() -> None:
    assert set(unstuck.diagnosis.__all__) == {
        "ContentError", "Diagnosis", "DiagnosisContext", "Finding", "FrameworkError", "Play",
        "PlaybookError", "QualificationFramework", "Question", "Signals", "StageNorm",
        "StageNorms", "available_frameworks", "build_context", "diagnose", "load_framework",
        "open_questions",
    }  # fmt: skip
