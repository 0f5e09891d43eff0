"""Content as data: stage norms, frameworks and playbook overrides, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from world import NOW, answer, context, healthy, quiet, won

from unstuck.diagnosis import (
    FrameworkError,
    PlaybookError,
    available_frameworks,
    diagnose,
    load_framework,
    open_questions,
)
from unstuck.domain import PlayId
from unstuck.errors import ConfigError, UsageError

STAGES = ["lead", "qualified", "discovery", "proposal", "negotiation"]


def test_norms_are_learned_from_enough_won_deals_and_say_so() -> None:
    history = tuple(
        won({"proposal": d, "negotiation": 5}, ident=f"w{d}") for d in (8, 10, 12, 14, 90)
    )
    norms = context(history).norms
    assert norms.days("proposal") == 12
    assert norms.norm("proposal").source == "median of 5 won deals"
    assert norms.days("negotiation") == 5
    assert norms.norm("discovery").days == 30


def test_too_few_won_deals_keep_the_default_norm() -> None:
    history = tuple(won({"proposal": 5}, ident=f"w{i}") for i in range(4))
    assert context(history).norms.norm("proposal").source == "default"


def test_a_learned_norm_changes_what_counts_as_stuck() -> None:
    history = tuple(won({"proposal": 4, "won": 1}, ident=f"w{i}") for i in range(5))
    result = diagnose(healthy(), NOW, context(history))
    assert [f.kind for f in result.findings] == ["stage_stuck"]
    assert "median of 5 won deals" in result.findings[0].evidence[0]


def test_bant_and_meddicc_are_built_in() -> None:
    assert [q.id for q in load_framework("bant").questions] == [
        "need", "budget", "authority", "timeline",
    ]  # fmt: skip
    assert len(load_framework("meddicc").questions) == 7
    assert {"bant", "meddicc"} <= set(available_frameworks(None))


def test_a_stage_outside_the_pipeline_requires_every_question() -> None:
    deal = healthy(stage="legal review", answers=(answer("need", "joe", "logs"),))
    assert [q.id for q in open_questions(deal, load_framework("bant"), STAGES)] == [
        "budget", "authority", "timeline",
    ]  # fmt: skip


def test_an_unknown_framework_is_a_usage_error_listing_the_available_ones() -> None:
    with pytest.raises(FrameworkError) as caught:
        context(qualification__framework="spiced")
    assert isinstance(caught.value, ConfigError) and isinstance(caught.value, UsageError)
    assert "'spiced'" in str(caught.value) and "bant, meddicc" in str(caught.value)


def test_a_user_framework_with_per_stage_questions_is_used(tmp_path: Path) -> None:
    (tmp_path / "ours.toml").write_text(
        'name = "Ours"\n'
        '[[questions]]\nid = "pain"\nask = "What hurts?"\n'
        '[[questions]]\nid = "champion"\nask = "Who will speak for it?"\n'
        '[stages]\nproposal = ["champion"]\n',
        encoding="utf-8",
    )
    ctx = context(qualification__framework="ours", qualification__dir=str(tmp_path))
    result = diagnose(healthy(answers=()), NOW, ctx)
    assert [f.summary for f in result.findings] == ["Open questions for proposal: champion."]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('name = "X"\n[[questions]\nid = "a"\n', 2, "not valid TOML"),
        ('name = "X"\ncolour = "red"\n[[questions]]\nid = "a"\nask = "A?"\n', 2, "unknown key"),
        (
            '[[questions]]\nid = "a"\nask = "A?"\n[stages]\nproposal = ["b"]\n',
            5,
            "unknown question",
        ),
    ],
)
def test_a_broken_user_framework_names_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "ours.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        context(qualification__framework="ours", qualification__dir=str(tmp_path))
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert words in str(caught.value)


def override(tmp_path: Path, play: str, toml: str | None = None, draft: str | None = None) -> Path:
    folder = tmp_path / play
    folder.mkdir()
    if toml is not None:
        (folder / "play.toml").write_text(toml, encoding="utf-8")
    if draft is not None:
        (folder / "draft.md.j2").write_text(draft, encoding="utf-8")
    return folder


def test_a_user_play_overrides_the_built_in_title_and_draft(tmp_path: Path) -> None:
    override(tmp_path, "final_call", 'title = "Our last word"\n', "Bye {{ contact.first_name }}!")
    ctx = context(playbook__dir=str(tmp_path))
    content = ctx.playbook[PlayId.FINAL_CALL]
    assert content.title == "Our last word"
    assert content.when  # kept from the built-in play
    final = next(p for p in diagnose(quiet(days=30), NOW, ctx).plays if p.id is PlayId.FINAL_CALL)
    assert final.draft == "Bye Joe!\n" and final.title == "Our last word"
    assert final.steps[0].startswith("Send the note below to Joe Park")


@pytest.mark.parametrize(
    ("play", "toml", "draft", "where", "words"),
    [
        ("final_call", 'title = "x\n', None, "play.toml:1", "not valid TOML"),
        ("final_call", 'title = "x"\nsteps = "one"\n', None, "play.toml:2", "steps must be"),
        ("final_call", 'title = "x"\ncolour = "red"\n', None, "play.toml:2", "unknown key"),
        ("final_call", 'id = "last_call"\n', None, "play.toml:1", "unknown play id 'last_call'"),
        ("last_call", 'title = "x"\n', None, "play.toml:1", "unknown play id 'last_call'"),
        ("mutual_discovery", 'channel = ["email"]\n', None, "play.toml:1", "never email"),
        ("final_call", None, "Hi\n{% if %}\n", "draft.md.j2:2", "template error"),
        ("final_call", None, "Hi\n\n{{ contact.nickname }}\n", "draft.md.j2:3", "nickname"),
    ],
)
def test_a_broken_user_play_names_file_and_line(
    tmp_path: Path, play: str, toml: str | None, draft: str | None, where: str, words: str
) -> None:
    folder = override(tmp_path, play, toml, draft)
    with pytest.raises(PlaybookError) as caught:
        context(playbook__dir=str(tmp_path))
    assert isinstance(caught.value, UsageError)
    assert str(caught.value).startswith(f"{folder / where}: ")
    assert words in str(caught.value)


def test_the_playbook_ships_in_the_package_for_every_play() -> None:
    import unstuck.playbook
    import unstuck.qualification

    plays = Path(unstuck.playbook.__file__).parent / "plays"
    for play_id in PlayId:
        assert (plays / play_id / "play.toml").is_file()
        assert (plays / play_id / "draft.md.j2").is_file()
    frameworks = Path(unstuck.qualification.__file__).parent / "frameworks"
    assert {p.name for p in frameworks.glob("*.toml")} == {"bant.toml", "meddicc.toml"}
