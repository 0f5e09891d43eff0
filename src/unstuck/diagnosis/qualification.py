"""Qualification frameworks as data, and which of their questions a deal still owes.

A framework is a TOML file: questions (``id``, ``ask`` — the question as a seller would
put it — and ``from_stage``, the first stage at which it must be answered), plus an
optional ``[stages]`` table that lists the required question ids for a stage outright.
Built-in frameworks ship in :mod:`unstuck.qualification`; a user's ``NAME.toml`` in
``qualification.dir`` adds a framework or replaces a built-in one of the same name.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from unstuck.diagnosis.errors import FrameworkError, key_line, toml_error_line
from unstuck.domain import Deal

_TOP_KEYS = {"name", "description", "questions", "stages"}
_QUESTION_KEYS = {"id", "ask", "from_stage"}
# Answers that say nothing yet: the question is still open.
_NON_ANSWERS = frozenset({"", "?", "unknown", "tbd", "n/a", "na", "not sure", "dont know"})


@dataclass(frozen=True)
class Question:
    id: str
    ask: str
    from_stage: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ask": self.ask, "from_stage": self.from_stage}


@dataclass(frozen=True)
class QualificationFramework:
    name: str
    questions: tuple[Question, ...]
    title: str = ""
    description: str = ""
    stages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    # ``required`` answers per (stage, stage order), filled as asked: a review asks it
    # for every open deal, and the answer only depends on these two.
    _required: dict[tuple[str, tuple[str, ...]], tuple[Question, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def required(self, stage: str, stage_order: Sequence[str]) -> tuple[Question, ...]:
        """The questions a deal in ``stage`` must have answered.

        An explicit ``[stages]`` list wins; a stage outside ``stage_order`` needs every
        question (we cannot tell how far along it is, so we ask for everything); otherwise
        each question counts from its ``from_stage`` (or from the start without one, or
        when its ``from_stage`` is not a configured stage).
        """
        key = (stage, tuple(stage_order))
        found = self._required.get(key)
        if found is None:
            found = self._required[key] = self._find_required(stage, key[1])
        return found

    def _find_required(self, stage: str, stage_order: Sequence[str]) -> tuple[Question, ...]:
        if stage in self.stages:
            return tuple(q for q in self.questions if q.id in self.stages[stage])
        if stage not in stage_order:
            return self.questions
        position = stage_order.index(stage)
        return tuple(
            q
            for q in self.questions
            if q.from_stage not in stage_order or stage_order.index(q.from_stage) <= position
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "questions": [q.to_dict() for q in self.questions],
            "stages": {stage: list(ids) for stage, ids in self.stages.items()},
        }


def is_answered(text: str) -> bool:
    return " ".join(text.lower().replace("'", "").strip(" .!?").split()) not in _NON_ANSWERS


def answered_questions(deal: Deal) -> frozenset[str]:
    return frozenset(a.question for a in deal.answers if is_answered(a.answer))


def open_questions(
    deal: Deal, framework: QualificationFramework, stage_order: Sequence[str]
) -> tuple[Question, ...]:
    """Questions required at the deal's stage that nobody at the prospect has answered."""
    answered = answered_questions(deal)
    return tuple(q for q in framework.required(deal.stage, stage_order) if q.id not in answered)


# -- loading ----------------------------------------------------------------------------


def builtin_frameworks() -> dict[str, str]:
    """Name -> TOML text of every framework shipped with Unstuck."""
    folder = resources.files("unstuck.qualification") / "frameworks"
    return {
        entry.name.removesuffix(".toml"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def available_frameworks(user_dir: Path | None) -> list[str]:
    names = set(builtin_frameworks())
    if user_dir is not None and user_dir.is_dir():
        names.update(p.stem for p in user_dir.glob("*.toml"))
    return sorted(names)


def load_framework(name: str, user_dir: Path | None = None) -> QualificationFramework:
    """The framework called ``name``: the user's file first, then the built-in one."""
    if user_dir is not None:
        candidate = user_dir / f"{name}.toml"
        if candidate.is_file():
            return parse_framework(name, candidate.read_text(encoding="utf-8"), str(candidate))
    builtin = builtin_frameworks()
    if name in builtin:
        return parse_framework(name, builtin[name], f"built-in {name}.toml")
    where = f" or in {user_dir}" if user_dir is not None else ""
    raise FrameworkError(
        None,
        None,
        f"qualification.framework = {name!r}: no such framework built in{where}. "
        f"Available: {', '.join(available_frameworks(user_dir))}. Set "
        f"qualification.framework to one of them, or add {name}.toml to qualification.dir.",
    )


def parse_framework(name: str, text: str, source: str) -> QualificationFramework:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(
            source, toml_error_line(exc), f"not valid TOML ({exc}). Fix the file."
        ) from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise FrameworkError(
            source,
            key_line(text, unknown[0]),
            f"unknown key {unknown[0]!r}; a framework has {', '.join(sorted(_TOP_KEYS))}.",
        )
    questions = _questions(data.get("questions"), text, source)
    return QualificationFramework(
        name=name,
        questions=questions,
        title=str(data.get("name", name)),
        description=str(data.get("description", "")),
        stages=_stages(data.get("stages", {}), {q.id for q in questions}, text, source),
        source=source,
    )


def _questions(raw: Any, text: str, source: str) -> tuple[Question, ...]:
    if not isinstance(raw, list) or not raw:
        raise FrameworkError(
            source,
            key_line(text, "questions"),
            'a framework needs at least one [[questions]] table with id = "..." and ask = "...".',
        )
    questions: list[Question] = []
    for number, item in enumerate(raw, start=1):
        where = f"question {number}"
        if not isinstance(item, dict) or set(item) - _QUESTION_KEYS:
            extra = sorted(set(item) - _QUESTION_KEYS) if isinstance(item, dict) else []
            raise FrameworkError(
                source,
                key_line(text, extra[0]) if extra else None,
                f"{where}: unexpected {extra or item!r}; use only id, ask and from_stage.",
            )
        ident, ask, from_stage = item.get("id"), item.get("ask"), item.get("from_stage")
        if not isinstance(ident, str) or not ident or not isinstance(ask, str) or not ask:
            raise FrameworkError(source, None, f"{where}: needs a text id and a text ask.")
        if any(q.id == ident for q in questions):
            raise FrameworkError(
                source, None, f"{where}: id {ident!r} appears twice; ids must be unique."
            )
        if from_stage is not None and not isinstance(from_stage, str):
            raise FrameworkError(source, None, f"{where}: from_stage must be a stage name.")
        questions.append(Question(ident, ask.strip(), from_stage))
    return tuple(questions)


def _stages(raw: Any, ids: set[str], text: str, source: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise FrameworkError(source, key_line(text, "stages"), "[stages] must be a table.")
    stages: dict[str, tuple[str, ...]] = {}
    for stage, listed in raw.items():
        if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
            raise FrameworkError(
                source, key_line(text, stage), f"stages.{stage} must be a list of question ids."
            )
        unknown = [x for x in listed if x not in ids]
        if unknown:
            raise FrameworkError(
                source,
                key_line(text, stage),
                f"stages.{stage} names unknown question {unknown[0]!r}; "
                f"the questions are {', '.join(sorted(ids))}.",
            )
        stages[stage] = tuple(listed)
    return stages


__all__ = [
    "QualificationFramework",
    "Question",
    "answered_questions",
    "available_frameworks",
    "builtin_frameworks",
    "is_answered",
    "load_framework",
    "open_questions",
    "parse_framework",
]
