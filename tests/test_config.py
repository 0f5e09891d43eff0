"""Settings: defaults, files, environment, and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from unstuck.config import BY_NAME, SETTINGS, default_config, load_config
from unstuck.errors import ConfigError


def test_every_setting_has_a_default_and_a_help_text() -> None:
    config = default_config()
    for setting in SETTINGS:
        assert setting.help.strip(), setting.name
        assert config.sources[setting.name] == "default"


def test_later_sources_win_over_earlier_ones(tmp_path: Path) -> None:
    user = tmp_path / "user.toml"
    user.write_text('timezone = "Europe/Paris"\n[thresholds]\nquiet_days = 10\nloop_events = 4\n')
    local = tmp_path / "unstuck.toml"
    local.write_text("[thresholds]\nquiet_days = 21\n")
    config = load_config([user, local], {"UNSTUCK_THRESHOLDS_LOOP_EVENTS": "5"})
    assert config.float_("thresholds.quiet_days") == 21.0
    assert config.sources["thresholds.quiet_days"] == str(local)
    assert config.int_("thresholds.loop_events") == 5
    assert config.sources["thresholds.loop_events"] == "UNSTUCK_THRESHOLDS_LOOP_EVENTS"
    assert config.str_("timezone") == "Europe/Paris"


def test_lists_and_tables_can_be_given_in_the_environment() -> None:
    config = load_config(
        [],
        {
            "UNSTUCK_PIPELINE_STAGES": "lead, demo ,proposal",
            "UNSTUCK_THRESHOLDS_STAGE_DAYS": "lead=10,proposal=40",
        },
    )
    assert config.list_("pipeline.stages") == ["lead", "demo", "proposal"]
    assert config.map_("thresholds.stage_days") == {"lead": 10.0, "proposal": 40.0}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("UNSTUCK_THRESHOLDS_QUIET_DAYS", "soon", "expected a number"),
        ("UNSTUCK_THRESHOLDS_QUIET_DAYS", "-3", "a number of zero or more"),
        ("UNSTUCK_THRESHOLDS_LOOP_EVENTS", "2.5", "expected a whole number"),
        ("UNSTUCK_TIMEZONE", "Mars/Olympus", "a time zone name"),
        ("UNSTUCK_THRESHOLDS_STAGE_DAYS", "lead:10", "name=number pairs"),
        ("UNSTUCK_PIPELINE_STAGES", " , ", "a non-empty list"),
    ],
)
def test_a_bad_value_names_the_key_its_source_and_what_is_allowed(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config([], {variable: value})
    text = str(caught.value)
    assert variable in text and message in text
    name = variable.removeprefix("UNSTUCK_").lower()
    assert any(text.startswith(s) for s in BY_NAME if s.replace(".", "_") == name)


def test_an_unknown_key_in_a_file_lists_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "unstuck.toml"
    path.write_text("[thresholds]\nquiet_dayz = 3\n")
    with pytest.raises(ConfigError, match=r"unknown setting 'thresholds\.quiet_dayz'"):
        load_config([path], {})


def test_a_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    path = tmp_path / "unstuck.toml"
    path.write_text("quiet_days == 3\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config([path], {})


def test_the_default_database_is_a_per_user_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from unstuck.config import default_db_path

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "unstuck" / "unstuck.db"
