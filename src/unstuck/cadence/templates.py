"""Cadence templates as data: ``templates/<name>.toml`` plus Jinja2 drafts.

A template names its steps in order, each with a channel, an angle (what the message is
about), an optional gap in days after the step before, and a draft file in
``templates/drafts/``. Email drafts start with a ``Subject:`` line. ``[[nurture]]``
entries are the light relationship touches planned after the final call. A folder given
by the ``cadence.dir`` setting overrides or adds templates (``NAME.toml``) and drafts
(``drafts/FILE.md.j2``): a draft file there replaces the built-in one of the same name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from unstuck.cadence.model import StepChannel
from unstuck.diagnosis.errors import ContentError, key_line, toml_error_line
from unstuck.errors import UsageError

BUILTIN = Path(__file__).parent / "templates"
_TOP_KEYS = {"title", "description", "spacing_days", "urgent_spacing_days", "steps", "nurture"}
_STEP_KEYS = {"channel", "angle", "title", "draft", "gap", "final"}
_NURTURE_KEYS = {"channel", "angle", "title", "draft", "after_days"}


class TemplateError(ContentError):
    """A cadence template or draft that cannot be used (names the file and what to fix)."""


@dataclass(frozen=True)
class StepTemplate:
    channel: StepChannel
    angle: str
    title: str
    draft: jinja2.Template
    draft_name: str
    gap: int | None = None  # None: the template's spacing
    final: bool = False


@dataclass(frozen=True)
class NurtureTemplate:
    channel: StepChannel
    angle: str
    title: str
    draft: jinja2.Template
    draft_name: str
    after_days: int


@dataclass(frozen=True)
class CadenceTemplate:
    name: str
    title: str
    description: str
    spacing_days: int
    urgent_spacing_days: int
    steps: tuple[StepTemplate, ...]
    nurture: tuple[NurtureTemplate, ...]
    source: str

    def gap(self, index: int, urgent: bool) -> int:
        """Days between step ``index - 1`` and step ``index`` (the first step: 0)."""
        step = self.steps[index]
        if step.gap is not None:
            return step.gap
        if index == 0:
            return 0
        return self.urgent_spacing_days if urgent else self.spacing_days


def environment(user_dir: Path | None) -> jinja2.Environment:
    folders = [str(user_dir / "drafts")] if user_dir is not None else []
    folders.append(str(BUILTIN / "drafts"))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def template_files(user_dir: Path | None) -> dict[str, Path]:
    """Every template name and the file it comes from (the user's folder wins)."""
    found = {p.stem: p for p in sorted(BUILTIN.glob("*.toml"))}
    if user_dir is not None:
        if not user_dir.is_dir():
            raise TemplateError(
                user_dir, None, "cadence.dir is not a folder. Create it or unset cadence.dir."
            )
        found.update({p.stem: p for p in sorted(user_dir.glob("*.toml"))})
    return found


def available(user_dir: Path | None) -> list[str]:
    return sorted(template_files(user_dir))


def load_template(name: str, user_dir: Path | None = None) -> CadenceTemplate:
    files = template_files(user_dir)
    if name not in files:
        raise UsageError(
            f"unknown cadence template {name!r}. Available: {', '.join(sorted(files))}; "
            "add your own as NAME.toml in the folder set by cadence.dir."
        )
    path = files[name]
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(path, toml_error_line(exc), f"not valid TOML ({exc}).") from None
    return _build(name, data, text, path, environment(user_dir))


def _build(
    name: str, data: dict[str, Any], text: str, path: Path, env: jinja2.Environment
) -> CadenceTemplate:
    def fail(key: str, message: str) -> TemplateError:
        return TemplateError(path, key_line(text, key), message)

    _known(data, _TOP_KEYS, fail, "a cadence template")
    spacing = _days(data.get("spacing_days", 7), "spacing_days", fail, minimum=1)
    urgent = _days(data.get("urgent_spacing_days", max(1, spacing // 2)), "urgent", fail, 1)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise fail("steps", "a template needs at least one [[steps]] entry.")
    steps = tuple(_step(raw, i, env, fail) for i, raw in enumerate(raw_steps, start=1))
    finals = [i for i, s in enumerate(steps) if s.final]
    if finals != [len(steps) - 1]:
        raise fail("final", "exactly one step, the last, must be the final call (final = true).")
    raw_nurture = data.get("nurture", [])
    if not isinstance(raw_nurture, list):
        raise fail("nurture", "nurture must be a list of [[nurture]] entries.")
    nurture = tuple(_nurture(raw, i, env, fail) for i, raw in enumerate(raw_nurture, start=1))
    return CadenceTemplate(
        name=name,
        title=_text(data, "title", fail, default=name),
        description=" ".join(_text(data, "description", fail, default="").split()),
        spacing_days=spacing,
        urgent_spacing_days=urgent,
        steps=steps,
        nurture=nurture,
        source=str(path),
    )


def _step(raw: Any, number: int, env: jinja2.Environment, fail: Any) -> StepTemplate:
    if not isinstance(raw, dict):
        raise fail("steps", f"step {number}: expected a table ([[steps]]).")
    _known(raw, _STEP_KEYS, fail, f"step {number}")
    channel, angle, title, draft, name = _common(raw, f"step {number}", env, fail)
    gap = raw.get("gap")
    return StepTemplate(
        channel=channel,
        angle=angle,
        title=title,
        draft=draft,
        draft_name=name,
        gap=None if gap is None else _days(gap, "gap", fail, minimum=0),
        final=bool(raw.get("final", False)),
    )


def _nurture(raw: Any, number: int, env: jinja2.Environment, fail: Any) -> NurtureTemplate:
    if not isinstance(raw, dict):
        raise fail("nurture", f"nurture touch {number}: expected a table ([[nurture]]).")
    _known(raw, _NURTURE_KEYS, fail, f"nurture touch {number}")
    channel, angle, title, draft, name = _common(raw, f"nurture touch {number}", env, fail)
    after = _days(raw.get("after_days"), "after_days", fail, minimum=1)
    return NurtureTemplate(channel, angle, title, draft, name, after)


def _common(
    raw: dict[str, Any], where: str, env: jinja2.Environment, fail: Any
) -> tuple[StepChannel, str, str, jinja2.Template, str]:
    names = ", ".join(str(c) for c in StepChannel)
    try:
        channel = StepChannel(str(raw.get("channel")))
    except ValueError:
        message = f"{where}: unknown channel {raw.get('channel')!r}; use {names}."
        raise fail("channel", message) from None
    angle = raw.get("angle")
    if not isinstance(angle, str) or not angle.strip():
        raise fail("angle", f"{where}: angle must be a short non-empty name.")
    draft_name = raw.get("draft")
    if not isinstance(draft_name, str) or not draft_name:
        raise fail("draft", f"{where}: draft must name a file in drafts/ (NAME.md.j2).")
    try:
        draft = env.get_template(draft_name)
    except jinja2.TemplateNotFound:
        raise fail("draft", f"{where}: no draft file {draft_name!r} in drafts/.") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(exc.filename, exc.lineno, f"template error: {exc.message}.") from None
    title = raw.get("title", angle.replace("_", " "))
    if not isinstance(title, str):
        raise fail("title", f"{where}: title must be text.")
    return channel, angle.strip(), title, draft, draft_name


def _known(data: dict[str, Any], allowed: set[str], fail: Any, where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise fail(
            unknown[0],
            f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}.",
        )


def _days(value: Any, key: str, fail: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise fail(key, f"{key} must be a whole number of days, at least {minimum}.")
    return value


def _text(data: dict[str, Any], key: str, fail: Any, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise fail(key, f"{key} must be text.")
    return value


__all__ = [
    "BUILTIN",
    "CadenceTemplate",
    "NurtureTemplate",
    "StepTemplate",
    "TemplateError",
    "available",
    "load_template",
]
