"""Cadence templates are data: every built-in one loads, never repeats a message, and
users can override or add templates and drafts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cadence_world import NOW, TODAY, WHY, bare, birch

from unstuck.cadence import available, load_template, plan_nurture, plan_sequence
from unstuck.cadence.plan import normalise
from unstuck.cadence.templates import BUILTIN, TemplateError
from unstuck.config import default_config
from unstuck.diagnosis import build_context
from unstuck.diagnosis.engine import play_variables
from unstuck.diagnosis.sample import SAMPLE_NOW, sample_deal
from unstuck.domain import Deal
from unstuck.errors import ConflictError, UsageError

CONTEXT = build_context(default_config(), [])
BUILTIN_TEMPLATES = available(None)


def variables(deal: Deal) -> dict[str, Any]:
    return play_variables(deal, NOW, CONTEXT)


DEALS = {
    "birch": variables(birch()),
    "bare": variables(bare()),
    "sample": play_variables(sample_deal(), SAMPLE_NOW, CONTEXT),
}


def test_there_are_several_built_in_templates_with_default_first_choice() -> None:
    assert {"default", "gentle", "nearby"} <= set(BUILTIN_TEMPLATES)
    assert default_config().str_("cadence.template") == "default"


@pytest.mark.parametrize("deal", sorted(DEALS))
@pytest.mark.parametrize("name", BUILTIN_TEMPLATES)
def test_no_template_ever_repeats_a_message_to_the_same_deal(name: str, deal: str) -> None:
    template = load_template(name)
    steps = plan_sequence(template, DEALS[deal], TODAY)
    nurture = plan_nurture(template, DEALS[deal], TODAY, TODAY.replace(year=2027))
    texts = [normalise(f"{s.subject or ''}\n{s.draft}") for s in [*steps, *nurture]]
    assert len(texts) == len(set(texts))
    assert all(s.draft.strip() for s in [*steps, *nurture])


@pytest.mark.parametrize("name", BUILTIN_TEMPLATES)
def test_every_template_ends_with_the_final_call_and_has_relationship_touches(name: str) -> None:
    template = load_template(name)
    assert template.steps[-1].final and template.steps[-1].angle == "final_call"
    assert not any(s.final for s in template.steps[:-1])
    assert template.nurture, "relationship touches after the final call"


@pytest.mark.parametrize("name", BUILTIN_TEMPLATES)
def test_relationship_touches_never_mention_the_proposal(name: str) -> None:
    template = load_template(name)
    for touch in plan_nurture(template, DEALS["birch"], TODAY, TODAY.replace(year=2027)):
        text = f"{touch.subject or ''} {touch.draft}".lower()
        for word in ("proposal", "quote", "offer", "price", "decide", "decision"):
            assert word not in text, (touch.title, word)


def test_email_steps_have_a_subject_and_calls_do_not() -> None:
    for name in BUILTIN_TEMPLATES:
        for step in plan_sequence(load_template(name), DEALS["birch"], TODAY):
            assert (step.subject is not None) == (step.channel in ("email", "lunch")), step


def test_the_default_template_asks_each_angle_of_the_domain_once_a_week() -> None:
    template = load_template("default")
    angles = [s.angle for s in template.steps]
    for angle in ("arrived", "on_board", "the_problem", "cost_of_waiting", "which_way"):
        assert angle in angles
    assert template.spacing_days == 7 and template.urgent_spacing_days < 7
    # A call is followed by an easy-to-answer email the same day.
    assert [str(s.channel) for s in template.steps[:2]] == ["call", "email"]


def test_the_nearby_template_has_a_lunch_and_a_call_through_the_assistant() -> None:
    channels = {str(s.channel) for s in load_template("nearby").steps}
    assert {"lunch", "assistant_call", "call", "email"} <= channels


def test_drafts_are_built_from_the_deal_its_why_and_its_people() -> None:
    steps = plan_sequence(load_template("default"), DEALS["birch"], TODAY)
    by_angle = {(s.angle, str(s.channel)): s for s in steps}
    assert by_angle[("arrived", "call")].draft.startswith(
        "Call Nina Ruiz (Operations Lead) at Birch Labs."
    )
    assert f'Keep their reason in mind: "{WHY}".' in by_angle[("arrived", "call")].draft
    on_board = by_angle[("on_board", "email")]
    assert on_board.subject == "The others at Birch Labs"
    assert "Omar Haddad (COO)" in on_board.draft
    assert "Nina Ruiz" not in on_board.draft  # the contact is not one of "the others"
    assert by_angle[("final_call", "email")].draft.startswith("Hi Nina,\n\nI haven't heard back")


def test_a_user_folder_overrides_a_draft_and_adds_a_template(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "which_way_email.md.j2").write_text(
        "Subject: Still on your list?\n\nHi {{ contact.first_name }}, still on your list?\n"
    )
    (tmp_path / "short.toml").write_text(
        (BUILTIN / "default.toml").read_text().replace("spacing_days = 7", "spacing_days = 5")
    )
    assert "short" in available(tmp_path)
    steps = plan_sequence(load_template("default", tmp_path), DEALS["birch"], TODAY)
    assert [s.subject for s in steps if s.angle == "which_way"] == ["Still on your list?"]
    assert steps[-1].draft.startswith("Hi Nina,")
    assert load_template("short", tmp_path).spacing_days == 5


BAD_TEMPLATES = [
    ('title = "x"\n', "at least one [[steps]]"),
    (
        '[[steps]]\nchannel = "fax"\nangle = "a"\ndraft = "arrived_email.md.j2"\nfinal = true\n',
        "unknown channel 'fax'",
    ),
    ('[[steps]]\nchannel = "email"\nangle = "a"\ndraft = "nope.md.j2"\nfinal = true\n', "nope"),
    ('[[steps]]\nchannel = "email"\nangle = "a"\ndraft = "arrived_email.md.j2"\n', "final call"),
    ('colour = "red"\n[[steps]]\n', "unknown key 'colour'"),
    (
        '[[steps]]\nchannel = "email"\nangle = "a"\ndraft = "cost_email.md.j2"\ngap = -2\n',
        "gap must be",
    ),
    ("steps = [", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_TEMPLATES)
def test_a_broken_template_is_reported_with_its_file(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "broken.toml").write_text(text)
    with pytest.raises(TemplateError) as caught:
        load_template("broken", tmp_path)
    assert str(tmp_path / "broken.toml") in str(caught.value)
    assert expected in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_template_whose_steps_would_repeat_a_message_is_an_error(tmp_path: Path) -> None:
    step = '[[steps]]\nchannel = "email"\nangle = "{a}"\ndraft = "which_way_email.md.j2"\n'
    (tmp_path / "twice.toml").write_text(
        step.format(a="one") + step.format(a="two") + "final = true\n"
    )
    with pytest.raises(TemplateError, match="steps 1 and 2 would send the same message"):
        plan_sequence(load_template("twice", tmp_path), DEALS["birch"], TODAY)


def test_a_draft_with_an_unknown_variable_fails_before_anything_is_planned(
    tmp_path: Path,
) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "arrived_call.md.j2").write_text("Hi {{ contact.nickname }}")
    with pytest.raises(TemplateError, match="nickname"):
        plan_sequence(load_template("default", tmp_path), DEALS["birch"], TODAY)


def test_a_template_repeating_what_the_deal_already_received_is_refused() -> None:
    template = load_template("default")
    sent = plan_sequence(template, DEALS["birch"], TODAY)[2]
    with pytest.raises(ConflictError, match=r"steps 3\)"):
        plan_sequence(
            template, DEALS["birch"], TODAY, earlier_drafts=[f"{sent.subject}\n{sent.draft}"]
        )


def test_an_unknown_template_names_the_ones_that_exist() -> None:
    with pytest.raises(UsageError, match=r"unknown cadence template 'weekly'\. Available: default"):
        load_template("weekly")
