"""Settings, declared once as data.

Each setting has a dotted name (``thresholds.quiet_days``), a default, a kind and a
help text that says where the default comes from. Values are read, in rising order of
precedence, from the defaults, the user config file (``<user config dir>/unstuck.toml``),
``./unstuck.toml`` in the working folder, and ``UNSTUCK_*`` environment variables
(``thresholds.quiet_days`` -> ``UNSTUCK_THRESHOLDS_QUIET_DAYS``). ``unstuck config
show`` prints every effective value with its source.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from unstuck.errors import ConfigError

Value = str | int | float | list[str] | dict[str, float] | None


@dataclass(frozen=True)
class Setting:
    name: str
    default: Value
    help: str
    kind: str  # "str", "int", "float", "list", "map", "path", "choice", "tz"
    choices: tuple[str, ...] = ()

    @property
    def env_var(self) -> str:
        return "UNSTUCK_" + self.name.upper().replace(".", "_")


DEFAULT_STAGES = ["lead", "qualified", "discovery", "proposal", "negotiation"]

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db",
        None,
        "Database: a file path (SQLite) or a SQLAlchemy URL (postgresql+psycopg://...). "
        "Default: unstuck.db in the per-user data folder (see docs/configuration.md).",
        "str",
    ),
    Setting(
        "timezone",
        "UTC",
        "Time zone of dates written without an offset, in documents and on the command line.",
        "tz",
    ),
    Setting(
        "pipeline.stages",
        DEFAULT_STAGES,
        "Open stages in pipeline order. Stages met in imports but missing here are placed "
        "after these, in the order they first appear.",
        "list",
    ),
    Setting(
        "qualification.framework",
        "bant",
        "Qualification framework: bant, meddicc, or the name of a TOML file in qualification.dir.",
        "str",
    ),
    Setting(
        "qualification.dir",
        None,
        "Folder with your own qualification frameworks (NAME.toml).",
        "path",
    ),
    Setting(
        "playbook.dir",
        None,
        "Folder with your own plays and templates; they override or extend the built-in ones.",
        "path",
    ),
    Setting(
        "thresholds.quiet_days",
        14.0,
        "Days without a reply from the prospect before a deal counts as gone quiet. Two "
        "weeks is the usual rhythm of a weekly follow-up plus one missed week.",
        "float",
    ),
    Setting(
        "thresholds.quiet_unanswered",
        2,
        "Seller touches that must go unanswered before silence counts as gone quiet (one "
        "unanswered message may just be a busy week).",
        "int",
    ),
    Setting(
        "thresholds.stage_days",
        {"lead": 14.0, "qualified": 21.0, "discovery": 30.0, "proposal": 30.0, "negotiation": 21.0},
        "Days a won deal typically spends in each stage, used until your own won history has "
        "enough deals per stage (thresholds.min_won_for_norms). Other stages use "
        "thresholds.stage_days_default.",
        "map",
    ),
    Setting(
        "thresholds.stage_days_default",
        30.0,
        "Typical days in a stage that thresholds.stage_days does not list.",
        "float",
    ),
    Setting(
        "thresholds.stage_factor",
        1.5,
        "A deal is stuck in its stage after this many times the norm for that stage.",
        "float",
    ),
    Setting(
        "thresholds.min_won_for_norms",
        5,
        "Won deals that must have passed through a stage before their median time replaces "
        "the default norm for it.",
        "int",
    ),
    Setting(
        "thresholds.close_pushes",
        2,
        "Times the expected close date may be pushed later before the deal counts as overdue.",
        "int",
    ),
    Setting(
        "thresholds.why_stale_days",
        45.0,
        "Days after which a why that no touch mentions any more counts as lost from the "
        "conversation.",
        "float",
    ),
    Setting(
        "thresholds.loop_window_days",
        45.0,
        "Window for the 'more of everything' loop: info requests, extra meetings, discounts "
        "and added scope counted since the deal entered its stage, at most this far back.",
        "float",
    ),
    Setting(
        "thresholds.loop_events",
        3,
        "Such requests and concessions in the window, with no stage change, that make a "
        "decision loop.",
        "int",
    ),
    Setting(
        "cadence.revisit_days",
        105,
        "Days after the final call until the parked deal comes back as a check-back "
        "(three to four months).",
        "int",
    ),
    Setting(
        "thresholds.engaged_days",
        60.0,
        "Days a person counts as engaged after taking part in a conversation or answering. "
        "About two months: a buying group that has not spoken for longer has moved on.",
        "float",
    ),
    Setting(
        "thresholds.single_thread_stage",
        "discovery",
        "First stage (in pipeline.stages) at which talking to one person only counts as "
        "single-threaded; earlier, one contact is normal. Stages not in pipeline.stages "
        "are always checked.",
        "str",
    ),
    Setting(
        "thresholds.stalled_severity",
        0.5,
        "A deal is stalled when one of its findings reaches this severity (0 to 1). At 0.5 "
        "a silence, loop or stage overrun is stalled as soon as it passes its own threshold, "
        "while a missing role or an open question alone is not.",
        "float",
    ),
    Setting(
        "thresholds.focus_severity",
        0.6,
        "Stalled deals at or above this severity that still have someone engaged get the "
        "focus_to_decision play: serious, but the relationship is alive.",
        "float",
    ),
    Setting(
        "thresholds.let_go_severity",
        0.8,
        "Stalled deals at or above this severity become let_go candidates when they are also "
        "stuck far past the norm (thresholds.let_go_factor).",
        "float",
    ),
    Setting(
        "thresholds.let_go_factor",
        3.0,
        "Times the stage norm (or the quiet threshold, for silence) after which a severe "
        "stall is proposed for letting go. Won deals rarely recover after three times the "
        "usual time.",
        "float",
    ),
    Setting(
        "thresholds.notes_window_days",
        180.0,
        "Only touch summaries from this many days back are read for signals (quotes, "
        "resistance, commitments): older notes describe a different moment of the deal.",
        "float",
    ),
    Setting(
        "web.secret_key",
        None,
        "Secret that signs the web app's cookies and CSRF tokens. Required in team mode; set "
        "it in the environment (UNSTUCK_WEB_SECRET_KEY), not in a file others can read.",
        "str",
    ),
    Setting(
        "web.max_upload_mb",
        10,
        "Largest request body the web app accepts, in megabytes (imports included).",
        "int",
    ),
    Setting(
        "web.login_attempts",
        5,
        "Failed logins allowed per login name and per address within "
        "web.login_window_minutes before further attempts are refused.",
        "int",
    ),
    Setting(
        "web.login_window_minutes",
        15,
        "Window in which failed logins are counted.",
        "int",
    ),
    Setting(
        "web.session_days",
        14,
        "Days a browser stays logged in (team mode).",
        "int",
    ),
    Setting(
        "web.board_cards",
        20,
        "Cards shown per stage column on the board before a 'show more' button.",
        "int",
    ),
    Setting(
        "review.focus_count",
        2,
        "Deals the weekly review proposes to push to a decision each week. One or two: "
        "more than that and none of them gets a real push.",
        "int",
    ),
    Setting(
        "review.let_go_ratio",
        0.33,
        "A stalled deal is proposed for letting go when its expected value per remaining "
        "week is below this share of the pipeline's median: its time would pay about three "
        "times as much on a typical deal.",
        "float",
    ),
    Setting(
        "review.prior_win_rate",
        0.25,
        "Win chance assumed before any closed history (the Beta prior's mean): a typical "
        "rate for qualified B2B opportunities, modest so an empty history never flatters.",
        "float",
    ),
    Setting(
        "review.prior_weight",
        4.0,
        "How many closed deals the prior win rate is worth: a handful of your own outcomes "
        "outweighs it.",
        "float",
    ),
    Setting(
        "review.min_closed_per_stage",
        5,
        "Closed deals that must have reached a stage before it gets its own win rate; "
        "below that the overall rate stands in.",
        "int",
    ),
    Setting(
        "cadence.template",
        "default",
        "Cadence template used when `unstuck cadence start` is given no --template: default "
        "(weekly), gentle, nearby, or one of yours in cadence.dir.",
        "str",
    ),
    Setting(
        "cadence.dir",
        None,
        "Folder with your own cadence templates (NAME.toml) and drafts (drafts/FILE.md.j2); "
        "they override or extend the built-in ones.",
        "path",
    ),
    Setting(
        "mail.from",
        None,
        "Sender of the messages Unstuck drafts and sends, e.g. 'Sam Lee <sam@example.com>'.",
        "str",
    ),
    Setting(
        "mail.smtp_host",
        None,
        "SMTP server for `unstuck mail send`. Unset by default: nothing is sent until you set it.",
        "str",
    ),
    Setting("mail.smtp_port", 587, "SMTP port (587 with starttls, 465 with tls).", "int"),
    Setting(
        "mail.smtp_security",
        "starttls",
        "How the SMTP connection is protected: starttls, tls, or none (only for a server on "
        "this machine).",
        "str",
    ),
    Setting("mail.smtp_user", None, "SMTP login name; unset to send without logging in.", "str"),
    Setting(
        "mail.smtp_password_env",
        "UNSTUCK_SMTP_PASSWORD",
        "Environment variable holding the SMTP password. Passwords are never stored in the "
        "database or in Unstuck's settings.",
        "str",
    ),
    Setting(
        "mail.smtp_password_file",
        None,
        "File holding the SMTP password (first line), used when the environment variable is "
        "not set. Keep it readable by you only.",
        "path",
    ),
    Setting(
        "mail.imap_host",
        None,
        "IMAP server `unstuck mail sync` reads replies from. Unset by default: nothing is read.",
        "str",
    ),
    Setting("mail.imap_port", 993, "IMAP port (993 with tls, 143 with starttls).", "int"),
    Setting(
        "mail.imap_security",
        "tls",
        "How the IMAP connection is protected: tls, starttls, or none (only for a server on "
        "this machine).",
        "str",
    ),
    Setting("mail.imap_user", None, "IMAP login name.", "str"),
    Setting(
        "mail.imap_password_env",
        "UNSTUCK_IMAP_PASSWORD",
        "Environment variable holding the IMAP password (never stored by Unstuck).",
        "str",
    ),
    Setting(
        "mail.imap_password_file",
        None,
        "File holding the IMAP password (first line), used when the environment variable is "
        "not set.",
        "path",
    ),
    Setting("mail.imap_folder", "INBOX", "Mailbox folder `unstuck mail sync` reads.", "str"),
    Setting(
        "mail.timeout",
        20.0,
        "Seconds to wait for the mail server before giving up with a clear message.",
        "float",
    ),
    Setting(
        "scoring.snapshot_days",
        14.0,
        "Days between the snapshots taken of each closed deal to train the win-chance model.",
        "float",
    ),
    Setting(
        "scoring.max_snapshots",
        6,
        "Most snapshots per closed deal (evenly spread over its life, the latest kept).",
        "int",
    ),
    Setting(
        "scoring.min_per_outcome",
        5,
        "Won and lost deals each needed (with 20 closed in all) before a model is trained; "
        "below that, stage win rates with a prior give the chance.",
        "int",
    ),
    Setting(
        "scoring.stale_share",
        0.25,
        "A trained model is set aside for stage win rates once the closed deals have grown "
        "by more than this share since training (retrain with `unstuck score train`).",
        "float",
    ),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, raw: Any, source: str) -> Value:
    def bad(expected: str) -> ConfigError:
        return ConfigError(
            f"{setting.name} = {raw!r} (from {source}): expected {expected}. {setting.help}"
        )

    kind = setting.kind
    if raw is None:
        return None
    if kind in ("str", "path"):
        if not isinstance(raw, str) or (kind == "path" and not raw):
            raise bad("a text value")
        return raw
    if kind == "tz":
        try:
            ZoneInfo(str(raw))
        except (ZoneInfoNotFoundError, ValueError):
            raise bad("a time zone name such as UTC or Europe/Paris") from None
        return str(raw)
    if kind == "int":
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise bad("a whole number") from None
        if value < 0:
            raise bad("a number of zero or more")
        return value
    if kind == "float":
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise bad("a number") from None
        if number < 0:
            raise bad("a number of zero or more")
        return number
    if kind == "list":
        if isinstance(raw, str):
            raw = [part.strip() for part in raw.split(",") if part.strip()]
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw) or not raw:
            raise bad("a non-empty list of names (comma-separated in the environment)")
        return list(raw)
    if kind == "map":
        if isinstance(raw, str):
            pairs = [p.split("=", 1) for p in raw.split(",") if p.strip()]
            if not all(len(p) == 2 for p in pairs):
                raise bad("name=number pairs separated by commas")
            raw = {k.strip(): v.strip() for k, v in pairs}
        if not isinstance(raw, dict):
            raise bad("a table of name = number")
        try:
            return {str(k): float(v) for k, v in raw.items()}
        except (TypeError, ValueError):
            raise bad("a table of name = number") from None
    raise AssertionError(kind)  # pragma: no cover - every kind is handled above


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name not in BY_NAME:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


@dataclass
class Config:
    values: dict[str, Value] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Value:
        return self.values[name]

    def str_(self, name: str) -> str | None:
        value = self.values[name]
        return value if isinstance(value, str) else None

    def int_(self, name: str) -> int:
        value = self.values[name]
        assert isinstance(value, int)
        return value

    def float_(self, name: str) -> float:
        value = self.values[name]
        assert isinstance(value, int | float)
        return float(value)

    def list_(self, name: str) -> list[str]:
        value = self.values[name]
        assert isinstance(value, list)
        return value

    def map_(self, name: str) -> dict[str, float]:
        value = self.values[name]
        assert isinstance(value, dict)
        return value

    def with_values(self, **overrides: Value) -> Config:
        """A copy with some settings replaced (keys use ``_`` for ``.``, as in kwargs)."""
        values = dict(self.values)
        sources = dict(self.sources)
        for key, value in overrides.items():
            name = key if key in BY_NAME else key.replace("__", ".")
            setting = BY_NAME[name]
            values[name] = _coerce(setting, value, "code")
            sources[name] = "code"
        return Config(values, sources)


def user_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("unstuck")) / "unstuck.toml"


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("unstuck")) / "unstuck.db"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the file or remove it.") from None


def load_config(
    files: list[Path] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read every source; later ones win. ``files`` defaults to user file then ./unstuck.toml."""
    if files is None:
        files = [user_config_path(), Path.cwd() / "unstuck.toml"]
    env = os.environ if environ is None else environ
    config = Config()
    for setting in SETTINGS:
        config.values[setting.name] = setting.default
        config.sources[setting.name] = "default"
    for path in files:
        if not path.is_file():
            continue
        for name, raw in _flatten(_read_toml(path)).items():
            if name not in BY_NAME:
                known = ", ".join(sorted(BY_NAME))
                raise ConfigError(f"{path}: unknown setting {name!r}. Known settings: {known}.")
            setting = BY_NAME[name]
            config.values[name] = _coerce(setting, raw, str(path))
            config.sources[name] = str(path)
    for setting in SETTINGS:
        if setting.env_var in env:
            raw_env = env[setting.env_var]
            config.values[setting.name] = _coerce(setting, raw_env, setting.env_var)
            config.sources[setting.name] = setting.env_var
    return config


def default_config() -> Config:
    """Defaults only: what tests and pure code use when nothing else is configured."""
    return load_config(files=[], environ={})


Parser = Callable[[Any], Value]

__all__ = [
    "SETTINGS",
    "Config",
    "Setting",
    "default_config",
    "default_db_path",
    "load_config",
    "user_config_path",
]
