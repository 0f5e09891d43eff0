"""The playbook as data: one folder per play, read once and compiled once.

Each folder ``<play_id>/`` holds ``play.toml`` (``title``, ``when``, ``rationale``,
``channel``, ``steps`` and an optional ``[text]`` table of named phrases) and
``draft.md.j2`` (the talk track or message, a Jinja2 template). Rationale and steps are
templates too; a step that renders to several lines becomes several steps, and an empty
one is dropped. The built-in folders ship in :mod:`unstuck.playbook`; a folder of the
same name in ``playbook.dir`` overrides any of those keys or the draft.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2

from unstuck.diagnosis.errors import PlaybookError, key_line, toml_error_line
from unstuck.domain import Channel, PlayId

_SEPARATOR = "\u241e"  # "␞": not whitespace (lstrip_blocks would eat it), never in a play
_KEYS = {"id", "title", "when", "rationale", "channel", "steps", "text"}
_REQUIRED = ("title", "when", "rationale", "channel", "steps")
# Asking for a commitment to explore together is done by voice or face to face
# (domain.md §2): a written request is too easy to leave unanswered.
_SPOKEN_ONLY = {PlayId.MUTUAL_DISCOVERY: frozenset({Channel.CALL, Channel.MEETING, Channel.VISIT})}


def make_environment() -> jinja2.Environment:
    return jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


@dataclass(frozen=True)
class PlayContent:
    """One play's content with its templates compiled."""

    id: PlayId
    title: str
    when: str
    channel: tuple[str, ...]
    rationale: jinja2.Template
    steps: tuple[jinja2.Template, ...]
    draft: jinja2.Template
    text: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()  # the files it came from, for error messages
    # Template sources of rationale, each step and the draft, in that order.
    parts: tuple[str, ...] = ()

    @cached_property
    def whole(self) -> jinja2.Template:
        """All parts as one template: one render per play instead of one per step."""
        return self.draft.environment.from_string(_SEPARATOR.join(self.parts))

    def render(self, variables: Mapping[str, Any]) -> tuple[str, tuple[str, ...], str]:
        """Rationale, steps and draft for these variables (``text`` is added here)."""
        pieces = self.whole.render({**variables, "text": self.text}).split(_SEPARATOR)
        rationale = " ".join(pieces[0].split())
        steps = [line.strip() for piece in pieces[1:-1] for line in piece.splitlines()]
        draft = pieces[-1].strip() + "\n"
        return rationale, tuple(step for step in steps if step), draft


@dataclass(frozen=True)
class Playbook:
    plays: Mapping[PlayId, PlayContent]

    def __getitem__(self, play_id: PlayId) -> PlayContent:
        return self.plays[play_id]


def load_playbook(user_dir: Path | None = None) -> Playbook:
    """Every built-in play, with the user's overrides from ``user_dir`` applied."""
    env = make_environment()
    plays = dict(_builtin_plays())
    if user_dir is not None:
        if not user_dir.is_dir():
            raise PlaybookError(
                user_dir, None, "playbook.dir is not a folder. Create it or unset playbook.dir."
            )
        for entry in sorted(user_dir.iterdir()):
            if entry.is_dir() and not entry.name.startswith((".", "_")):
                play_id = _play_id(entry)
                plays[play_id] = _read_override(env, plays[play_id], entry)
    return Playbook(plays)


@functools.cache
def _builtin_plays() -> Mapping[PlayId, PlayContent]:
    """The shipped plays, compiled once per process (they cannot change while it runs,
    and compiling their ninety templates is most of building a diagnosis context)."""
    env = make_environment()
    folder = resources.files("unstuck.playbook") / "plays"
    return MappingProxyType(
        {play_id: _read_builtin(env, play_id, folder / str(play_id)) for play_id in PlayId}
    )


def _read_builtin(env: jinja2.Environment, play_id: PlayId, folder: Traversable) -> PlayContent:
    toml_path = f"unstuck/playbook/plays/{play_id}/play.toml"
    draft_path = f"unstuck/playbook/plays/{play_id}/draft.md.j2"
    text = (folder / "play.toml").read_text(encoding="utf-8")
    data = _parse(text, toml_path)
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise PlaybookError(toml_path, None, f"missing {', '.join(missing)}.")
    draft_source = (folder / "draft.md.j2").read_text(encoding="utf-8")
    draft = _compile(env, draft_source, draft_path, 0)
    content = _content(env, play_id, data, text, toml_path, draft, (toml_path, draft_path))
    return replace(content, parts=(*_toml_parts(data), draft_source))


def _read_override(env: jinja2.Environment, base: PlayContent, folder: Path) -> PlayContent:
    content = base
    toml_file = folder / "play.toml"
    sources = list(base.sources)
    toml_parts = list(base.parts[:-1])
    draft_source = base.parts[-1]
    if toml_file.is_file():
        text = toml_file.read_text(encoding="utf-8")
        data = _parse(text, str(toml_file))
        content = _content(env, base.id, data, text, str(toml_file), base.draft, (), base)
        sources[0] = str(toml_file)
        if "rationale" in data:
            toml_parts[0] = data["rationale"]
        if "steps" in data:
            toml_parts[1:] = data["steps"]
    draft_file = folder / "draft.md.j2"
    if draft_file.is_file():
        draft_source = draft_file.read_text(encoding="utf-8")
        content = replace(content, draft=_compile(env, draft_source, str(draft_file), 0))
        sources[1] = str(draft_file)
    return replace(content, sources=tuple(sources), parts=(*toml_parts, draft_source))


def _toml_parts(data: dict[str, Any]) -> tuple[str, ...]:
    return (data["rationale"], *data["steps"])


def _play_id(folder: Path) -> PlayId:
    """The folder's play id, or a clear error; an ``id`` key in play.toml must agree."""
    toml_file = folder / "play.toml"
    known = ", ".join(str(p) for p in PlayId)
    try:
        play_id = PlayId(folder.name)
    except ValueError:
        where = toml_file if toml_file.is_file() else folder
        raise PlaybookError(
            where,
            1 if toml_file.is_file() else None,
            f"unknown play id {folder.name!r} (the folder name). Name the folder after one "
            f"of the plays it overrides: {known}.",
        ) from None
    if toml_file.is_file():
        text = toml_file.read_text(encoding="utf-8")
        declared = _parse(text, str(toml_file)).get("id")
        if declared is not None and declared != folder.name:
            raise PlaybookError(
                toml_file,
                key_line(text, "id"),
                f"unknown play id {declared!r}: id must match the folder name "
                f"{folder.name!r}, one of {known}.",
            )
    return play_id


def _parse(text: str, path: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlaybookError(path, toml_error_line(exc), f"not valid TOML ({exc}).") from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise PlaybookError(
            path,
            key_line(text, unknown[0]),
            f"unknown key {unknown[0]!r}; a play.toml may set {', '.join(sorted(_KEYS))}.",
        )
    return data


def _compile(env: jinja2.Environment, source: str, path: str, line: int) -> jinja2.Template:
    """Compile a template; syntax errors name the file and the line in it."""
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise PlaybookError(
            path, line + (exc.lineno or 1), f"template error: {exc.message}."
        ) from None


def _content(
    env: jinja2.Environment,
    play_id: PlayId,
    data: dict[str, Any],
    text: str,
    path: str,
    draft: jinja2.Template,
    sources: tuple[str, ...],
    base: PlayContent | None = None,
) -> PlayContent:
    """Validate and compile one play.toml, keeping ``base`` values for keys it leaves out."""

    def fail(key: str, message: str) -> PlaybookError:
        return PlaybookError(path, key_line(text, key), message)

    def inline(key: str, source: str) -> jinja2.Template:
        return _compile(env, source, path, (key_line(text, key) or 1) - 1)

    for key in ("title", "when", "rationale"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            raise fail(key, f"{key} must be a non-empty text.")
    channel = _channel(play_id, data["channel"], fail) if "channel" in data else None
    steps = data.get("steps")
    if steps is not None and (
        not isinstance(steps, list) or not steps or not all(isinstance(x, str) for x in steps)
    ):
        raise fail("steps", "steps must be a non-empty list of texts.")
    extra = data.get("text", {})
    if not isinstance(extra, dict) or not all(isinstance(v, str) for v in extra.values()):
        raise fail("text", "[text] must be a table of name = text.")
    return PlayContent(
        id=play_id,
        title=data["title"].strip() if "title" in data else _base(base).title,
        when=" ".join(data["when"].split()) if "when" in data else _base(base).when,
        channel=channel if channel is not None else _base(base).channel,
        rationale=(
            inline("rationale", data["rationale"]) if "rationale" in data else _base(base).rationale
        ),
        steps=tuple(inline("steps", s) for s in steps) if steps else _base(base).steps,
        draft=draft,
        text={**(base.text if base else {}), **extra},
        sources=sources or _base(base).sources,
    )


def _base(base: PlayContent | None) -> PlayContent:
    assert base is not None  # built-in plays have every key (checked in _read_builtin)
    return base


def _channel(play_id: PlayId, raw: Any, fail: Any) -> tuple[str, ...]:
    names = ", ".join(str(c) for c in Channel)
    if not isinstance(raw, list) or not raw:
        raise fail("channel", f"channel must be a non-empty list of: {names}.")
    channels: list[str] = []
    for value in raw:
        try:
            channels.append(str(Channel(value)))
        except ValueError:
            raise fail("channel", f"unknown channel {value!r}; use {names}.") from None
    allowed = _SPOKEN_ONLY.get(play_id)
    if allowed is not None and any(Channel(c) not in allowed for c in channels):
        spoken = ", ".join(sorted(str(c) for c in allowed))
        raise fail(
            "channel", f"{play_id} is done by voice or in person only: use {spoken}, never email."
        )
    return tuple(channels)


__all__ = ["PlayContent", "Playbook", "load_playbook", "make_environment"]
