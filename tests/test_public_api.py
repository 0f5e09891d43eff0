"""The public API is explicit: each package's ``__all__`` is pinned here.

Changing a package's exports is a deliberate act: update this test and the changelog.
"""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "unstuck.domain": [
        "BUYING_ROLES",
        "Account",
        "AccountType",
        "Answer",
        "Authority",
        "Channel",
        "CloseDateChange",
        "Deal",
        "DealSummary",
        "Decision",
        "DecisionKind",
        "Direction",
        "FieldValue",
        "FindingKind",
        "Pipeline",
        "PlayId",
        "Qualification",
        "Role",
        "Scenario",
        "StageChange",
        "Stakeholder",
        "Stance",
        "Status",
        "Touch",
        "TouchKind",
        "close_date_pushes",
        "summarize",
    ],
    "unstuck.errors": [
        "ConfigError", "ConflictError", "DatabaseUnreachable", "InputError", "NotFound",
        "SchemaTooNew", "SchemaTooOld", "StoreError", "UnstuckError", "UsageError",
    ],
    "unstuck.store": ["DealRow", "ImportResult", "ScanCache", "ScanRow", "Store", "Transaction"],
    "unstuck.diagnosis": [
        "ContentError", "Diagnosis", "DiagnosisContext", "Finding", "FrameworkError", "Play",
        "PlaybookError", "QualificationFramework", "Question", "Signals", "StageNorm",
        "StageNorms", "available_frameworks", "build_context", "diagnose", "load_framework",
        "open_questions",
    ],
    "unstuck.importers": [
        "FORMATS", "FileRole", "ImportBatch", "Importer", "Layout", "Reject", "export_table",
        "importers", "read_files", "register", "write_mapping",
    ],
    "unstuck.sample": ["generate_pipeline", "iter_deals"],
    "unstuck.scoring": [
        "ChanceSource",
        "ColumnMissingError",
        "ColumnNote",
        "ColumnPlan",
        "CurvePoint",
        "DataFileError",
        "EvaluationReport",
        "Explanation",
        "Factor",
        "Fallback",
        "MissingExtraError",
        "ModelChoice",
        "ModelScore",
        "NotEnoughHistory",
        "OneClassError",
        "PositiveValueError",
        "RangeSummary",
        "Reason",
        "Scorer",
        "ScoringError",
        "SnapshotRules",
        "TooFewOutcomesError",
        "TooFewRowsError",
        "TrainOutcome",
        "TrainedModel",
        "chance_for",
        "choose_model",
        "deal_as_of",
        "describe_chance",
        "evaluate_csv",
        "evaluate_frame",
        "feature_context",
        "feature_row",
        "plan_columns",
        "snapshot_times",
        "train",
    ],
    "unstuck.document": [
        "FORMAT", "deal_to_dict", "format_datetime", "iter_json_lines", "parse_date", "parse_datetime",
        "parse_document", "to_document", "touch_key",
    ],
}  # fmt: skip


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_each_package_exports_exactly_its_public_names(module: str) -> None:
    loaded = importlib.import_module(module)
    assert list(loaded.__all__) == PUBLIC[module]
    for name in loaded.__all__:
        assert hasattr(loaded, name), f"{module}.{name} is listed in __all__ but missing"


def test_the_package_ships_type_information() -> None:
    from importlib.resources import files

    assert files("unstuck").joinpath("py.typed").is_file()
