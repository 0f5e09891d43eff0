"""Everything a diagnosis needs that does not change from deal to deal, built once.

Loading the playbook, compiling its templates, reading the framework and learning the
stage norms happen here, so :func:`~unstuck.diagnosis.engine.diagnose` does nothing
but arithmetic and string building for each deal.
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from unstuck.config import Config
from unstuck.diagnosis.activity import CachedDetector
from unstuck.diagnosis.errors import PlaybookError
from unstuck.diagnosis.findings import Rules
from unstuck.diagnosis.norms import StageNorms, learn_norms
from unstuck.diagnosis.notes import NotesDetector
from unstuck.diagnosis.playbook import Playbook, PlayContent, load_playbook
from unstuck.diagnosis.plays import ExitRules
from unstuck.diagnosis.qualification import QualificationFramework, load_framework
from unstuck.diagnosis.signals import SignalSettings
from unstuck.domain import Deal


@dataclass(frozen=True)
class DiagnosisContext:
    norms: StageNorms
    framework: QualificationFramework
    playbook: Playbook
    stage_order: tuple[str, ...]
    detector: CachedDetector | None
    rules: Rules
    exits: ExitRules
    signal_settings: SignalSettings
    revisit_days: int


def build_context(
    config: Config,
    history: Iterable[Deal],
    detector: NotesDetector | None = None,
    *,
    norms: StageNorms | None = None,
) -> DiagnosisContext:
    """Norms from the won deals in ``history`` (or the ``norms`` given), the framework
    and the playbook.

    ``detector`` defaults to the built-in notes detector. Raises a
    :class:`~unstuck.diagnosis.errors.ContentError` (a usage error) for a user playbook
    or framework file that cannot be used, naming the file and line.
    """
    framework_dir = config.str_("qualification.dir")
    playbook_dir = config.str_("playbook.dir")
    framework = load_framework(
        config.str_("qualification.framework") or "bant",
        Path(framework_dir).expanduser() if framework_dir else None,
    )
    playbook = load_playbook(Path(playbook_dir).expanduser() if playbook_dir else None)
    context = DiagnosisContext(
        norms=norms if norms is not None else learn_norms(config, history),
        framework=framework,
        playbook=playbook,
        stage_order=tuple(config.list_("pipeline.stages")),
        detector=_cached(detector if detector is not None else _default_detector()),
        rules=Rules.from_config(config),
        exits=ExitRules(
            stalled_severity=config.float_("thresholds.stalled_severity"),
            focus_severity=config.float_("thresholds.focus_severity"),
            let_go_severity=config.float_("thresholds.let_go_severity"),
            let_go_factor=config.float_("thresholds.let_go_factor"),
            quiet_days=config.float_("thresholds.quiet_days"),
        ),
        signal_settings=SignalSettings(
            engaged_days=config.float_("thresholds.engaged_days"),
            why_stale_days=config.float_("thresholds.why_stale_days"),
            loop_window_days=config.float_("thresholds.loop_window_days"),
            notes_window_days=config.float_("thresholds.notes_window_days"),
        ),
        revisit_days=config.int_("cadence.revisit_days"),
    )
    check_playbook(context)
    return context


def _cached(detector: NotesDetector | None) -> CachedDetector | None:
    return None if detector is None else CachedDetector(detector)


def _default_detector() -> NotesDetector:
    from unstuck.diagnosis.notes import default_detector

    return default_detector()


def check_playbook(context: DiagnosisContext) -> None:
    """Render every play against the sample deal; a broken template names its file."""
    from unstuck.diagnosis.engine import play_variables
    from unstuck.diagnosis.sample import SAMPLE_NOW, sample_deal

    variables = play_variables(sample_deal(), SAMPLE_NOW, context)
    for content in context.playbook.plays.values():
        _check_play(content, variables)


def _check_play(content: PlayContent, variables: dict[str, object]) -> None:
    scope = {**variables, "text": content.text}
    # Lines are exact in draft files; for texts inside play.toml only the file is named.
    parts = [(content.sources[0], t, False) for t in (content.rationale, *content.steps)]
    parts.append((content.sources[1], content.draft, True))
    for source, template, own_file in parts:
        try:
            template.render(scope)
        except jinja2.TemplateError as exc:
            raise PlaybookError(
                source,
                _template_line(exc.__traceback__) if own_file else None,
                f"{content.id}: {exc}. See the variables listed in docs/diagnosis.md.",
            ) from None


def _template_line(tb: types.TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


__all__ = ["DiagnosisContext", "build_context", "check_playbook"]
