"""The diagnosis engine: which deals are stuck, why, and what to do next.

A pure core: it takes deals and a ``now`` and returns plain data; it never opens the
database, reads the clock or prints.

    context = build_context(config, history)      # once: norms, framework, playbook
    diagnosis = diagnose(deal, now, context)      # per deal, well under a millisecond
    diagnosis.to_dict()                           # contract.md section 2

See ``docs/diagnosis.md`` for every signal, rule, severity formula and play mapping.
"""

from unstuck.diagnosis.context import DiagnosisContext, build_context
from unstuck.diagnosis.engine import Diagnosis, diagnose
from unstuck.diagnosis.errors import ContentError, FrameworkError, PlaybookError
from unstuck.diagnosis.findings import Finding
from unstuck.diagnosis.norms import StageNorm, StageNorms
from unstuck.diagnosis.plays import Play
from unstuck.diagnosis.qualification import (
    QualificationFramework,
    Question,
    available_frameworks,
    load_framework,
    open_questions,
)
from unstuck.diagnosis.signals import Signals

__all__ = [
    "ContentError",
    "Diagnosis",
    "DiagnosisContext",
    "Finding",
    "FrameworkError",
    "Play",
    "PlaybookError",
    "QualificationFramework",
    "Question",
    "Signals",
    "StageNorm",
    "StageNorms",
    "available_frameworks",
    "build_context",
    "diagnose",
    "load_framework",
    "open_questions",
]
