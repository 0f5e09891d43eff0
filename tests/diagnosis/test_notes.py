from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unstuck.diagnosis import notes
from unstuck.diagnosis.notes import (
    NoteHit,
    NotesDetector,
    NoteSignal,
    PatternNotesDetector,
    default_detector,
    normalise,
)
from unstuck.diagnosis.notes_patterns import PATTERNS

S = NoteSignal
ROOT = Path(__file__).resolve().parents[2]


def _load_eval() -> ModuleType:
    # bench/ is a folder of scripts, not a package: load the script by path.
    spec = importlib.util.spec_from_file_location("notes_eval", ROOT / "bench" / "notes_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["notes_eval"] = module
    spec.loader.exec_module(module)
    return module


notes_eval = _load_eval()


def signals(text: str) -> set[NoteSignal]:
    return {hit.signal for hit in default_detector().detect(text)}


# --- each signal, as sellers write it ----------------------------------------------

FOUND = [
    (S.COMMITMENT_DECLINED, "Told us they are not ready to commit."),
    (S.COMMITMENT_DECLINED, "We’ll pass for now."),
    (S.COMMITMENT_DECLINED, "cant commit to that"),
    (S.COMMITMENT_DECLINED, "They turned the joint plan down."),
    (S.COMMITMENT_GIVEN, "She agreed to set up the workshops."),
    (S.COMMITMENT_GIVEN, "Yes, let's do it!"),
    (S.COMMITMENT_GIVEN, "Gave us the go-ahead for phase 1."),
    (S.STILL_THINKING, "Still thinking about it."),
    (S.STILL_THINKING, "Needs more time to think."),
    (S.STILL_THINKING, "mulling it over w/ the team"),
    (S.RESISTANCE, "The plant manager pushes back on every change."),
    (S.RESISTANCE, "Marketing is against it."),
    (S.RESISTANCE, "IT is blocking the rollout."),
    (S.RESISTANCE, "Her deputy doesn’t want it."),
    (S.RESISTANCE, "Still not convinced."),
    (S.RESISTANCE, "CFO skeptical."),
    (S.FEAR_OF_LOOKING_BAD, "Worried it will look bad with the board."),
    (S.FEAR_OF_LOOKING_BAD, "He is afraid of getting blamed."),
    (S.FEAR_OF_LOOKING_BAD, "Doesnt want to stick his neck out."),
    (S.FEAR_OF_LOOKING_BAD, "Got burned last time."),
    (S.STATUS_QUO_NOT_OPTION, "Doing nothing is not an option."),
    (S.STATUS_QUO_NOT_OPTION, "We can’t keep going like this."),
    (S.STATUS_QUO_NOT_OPTION, "We have to change something."),
    (S.BAD_TIMING, "Bad time, quarter end."),
    (S.BAD_TIMING, "Come back after the reorg."),
    (S.BAD_TIMING, "Let's revisit next quarter."),
    (S.BAD_TIMING, "Budget freeze."),
    (S.BAD_TIMING, "Too busy right now."),
    (S.MORE_INFO, "Asked for another demo."),
    (S.MORE_INFO, "Can you send a case study?"),
    (S.MORE_INFO, "Wants more details on hosting."),
    (S.MORE_INFO, "Asked for two references."),
    (S.MORE_INFO, "Wants a comparison with the old system."),
    (S.PRICE_PUSHBACK, "Asked for a discount."),
    (S.PRICE_PUSHBACK, "Too expensive for them."),
    (S.PRICE_PUSHBACK, "Is there a cheaper plan?"),
    (S.NO_AUTHORITY, "I need to check with my boss."),
    (S.NO_AUTHORITY, "Not my call."),
    (S.NO_AUTHORITY, "The board decides."),
    (S.NO_AUTHORITY, "Has to run it by the MD."),
    (S.CHOSE_ALTERNATIVE, "They went with a competitor."),
    (S.CHOSE_ALTERNATIVE, "Decided to do it in-house."),
]


@pytest.mark.parametrize(("signal", "text"), FOUND)
def test_each_signal_is_heard_in_the_words_sellers_use(signal: NoteSignal, text: str) -> None:
    assert signal in signals(text)


# --- negation and look-alikes ------------------------------------------------------

NOT_FOUND = [
    (S.STILL_THINKING, "Not still thinking - they decided."),
    (S.FEAR_OF_LOOKING_BAD, "No longer worried it will look bad."),
    (S.COMMITMENT_DECLINED, "They did not decline."),
    (S.COMMITMENT_DECLINED, "They didn’t decline, just went quiet."),
    (S.COMMITMENT_DECLINED, "They never said they were not interested."),
    (S.BAD_TIMING, "Not a bad time at all."),
    (S.BAD_TIMING, "No budget freeze this year."),
    (S.BAD_TIMING, "Not too busy, let's meet Tuesday."),
    (S.RESISTANCE, "He is not against it."),
    (S.RESISTANCE, "She isn't sceptical anymore."),
    (S.RESISTANCE, "No pushback from IT."),
    (S.RESISTANCE, "Pushed back the call to Friday."),
    (S.PRICE_PUSHBACK, "No pushback on price."),
    (S.PRICE_PUSHBACK, "Didn't ask for a discount."),
    (S.MORE_INFO, "No need for another demo."),
    (S.NO_AUTHORITY, "He does not need to check with his boss."),
    (S.STILL_THINKING, "Doesn't need more time."),
    (S.COMMITMENT_GIVEN, "Not ready to move forward."),
    (S.CHOSE_ALTERNATIVE, "They did not go with a competitor."),
]


@pytest.mark.parametrize(("signal", "text"), NOT_FOUND)
def test_a_negated_or_look_alike_phrase_is_not_a_signal(signal: NoteSignal, text: str) -> None:
    assert signal not in signals(text)


@pytest.mark.parametrize(
    "text",
    [
        "Called, no answer.",
        "Sent the recap and slides.",
        "Booked a call for next week.",
        "Lunch with Sam, talked about football.",
        "",
        "   ",
    ],
)
def test_a_note_without_signals_yields_no_hits(text: str) -> None:
    assert default_detector().detect(text) == []


def test_a_negation_in_an_earlier_clause_does_not_cancel_a_later_signal() -> None:
    assert S.STILL_THINKING in signals("No answer on pricing, still thinking about it.")
    assert S.BAD_TIMING in signals("Can't commit until after the reorg.")


def test_a_negation_that_belongs_to_the_phrase_is_kept() -> None:
    assert signals("Not ready to commit.") == {S.COMMITMENT_DECLINED}
    assert S.FEAR_OF_LOOKING_BAD in signals("Doesn't want to be the one who picked wrong.")


def test_a_note_with_mixed_signals_reports_each_once_in_order_of_appearance() -> None:
    hits = default_detector().detect(
        "Too expensive, they said. Still thinking. Also too expensive for the CFO."
    )
    assert [hit.signal for hit in hits] == [S.PRICE_PUSHBACK, S.STILL_THINKING]


# --- quotes ------------------------------------------------------------------------


def test_the_quote_is_the_original_words_not_the_normalised_ones() -> None:
    hits = default_detector().detect("Jan  isn’t   ready to commit – he’ll pass for now.")
    assert hits == [
        NoteHit(S.COMMITMENT_DECLINED, "isn’t   ready to commit"),
    ]
    (hit,) = default_detector().detect("We CAN’T keep going like this")
    assert hit.quote == "CAN’T keep going like this"


def test_every_quote_on_the_labelled_sets_is_a_substring_of_its_note() -> None:
    examples = notes_eval.load_set("dev") + notes_eval.load_set("heldout")
    for ex in examples:
        for hit in default_detector().detect(ex.text):
            assert hit.quote, ex.text
            assert hit.quote in ex.text, (hit, ex.text)


@given(st.text(alphabet=st.sampled_from(list("abn'’t  \t\nisocmdlyk.,İ")), max_size=80))
def test_any_text_gives_quotes_that_are_substrings_of_it(text: str) -> None:
    for hit in default_detector().detect(text):
        assert hit.quote in text


@given(st.text(max_size=60))
def test_normalised_spans_map_back_inside_the_original(text: str) -> None:
    norm = normalise(text)
    for start in range(len(norm.text)):
        o_start, o_end = norm.original_span(start, start + 1)
        assert 0 <= o_start <= o_end <= len(text)


# --- normalisation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("isn't", "is not"),
        ("isn’t", "is not"),
        ("isnt", "is not"),
        ("is not", "is not"),
        ("Can't", "can not"),
        ("cannot", "can not"),
        ("won’t", "will not"),
        ("doesnt", "does not"),
        ("We’ll", "we will"),
        ("they're", "they are"),
        ("Let's", "let us"),
        ("it’s", "it is"),
        ("a \t b\n\nc", "a b c"),
        ("“quoted” – dash", '"quoted" - dash'),
    ],
)
def test_contractions_quotes_and_spacing_normalise_alike(text: str, expected: str) -> None:
    assert normalise(text).text == expected


# --- the detector and its tables ---------------------------------------------------


def test_the_default_detector_is_built_once_and_meets_the_interface() -> None:
    detector: NotesDetector = default_detector()
    assert detector is default_detector()
    assert isinstance(detector, PatternNotesDetector)


def test_a_detector_can_be_built_from_custom_patterns() -> None:
    detector = PatternNotesDetector({S.PRICE_PUSHBACK: [r"\bhaggle\w*"]})
    assert detector.detect("Haggled again") == [NoteHit(S.PRICE_PUSHBACK, "Haggled")]
    assert detector.detect("Too expensive") == []


def test_every_signal_has_patterns_and_every_table_names_a_signal() -> None:
    assert set(PATTERNS) == {signal.value for signal in NoteSignal}


@pytest.mark.parametrize(
    "pattern", [p for table in PATTERNS.values() for p in table], ids=lambda p: p[:40]
)
def test_every_pattern_compiles_and_starts_at_a_word_boundary(pattern: str) -> None:
    # A pattern not anchored on \b is tried at every character: several times slower.
    re.compile(pattern)
    assert pattern.startswith(r"\b")


def test_the_public_api_is_pinned() -> None:
    assert sorted(notes.__all__) == [
        "NormalisedText",
        "NoteHit",
        "NoteSignal",
        "NotesDetector",
        "PatternNotesDetector",
        "default_detector",
        "normalise",
    ]


def test_reading_a_thousand_notes_takes_well_under_a_second() -> None:
    # Budget ~50 µs a note; the bound is 10x that so a busy CI machine does not flake.
    examples = notes_eval.load_set("dev")
    texts = [ex.text for ex in examples] * (1000 // len(examples) + 1)
    detector = default_detector()
    started = time.perf_counter()
    for text in texts[:1000]:
        detector.detect(text)
    assert time.perf_counter() - started < 0.5


# --- the labelled sets -------------------------------------------------------------


def test_the_labelled_sets_are_large_distinct_and_use_known_signals() -> None:
    dev = notes_eval.load_set("dev")
    heldout = notes_eval.load_set("heldout")
    assert len(dev) >= 200
    assert len(heldout) >= 80
    assert not {ex.text for ex in dev} & {ex.text for ex in heldout}
    assert sum(1 for ex in heldout if not ex.signals) >= 15


def test_dev_set_precision_and_recall_do_not_regress() -> None:
    # Measured 1.00 / 1.00: the patterns were tuned on this set, so it guards
    # against regressions; the held-out set is the honest estimate.
    micro = notes_eval.evaluate(notes_eval.load_set("dev")).micro
    assert micro.precision >= 0.97
    assert micro.recall >= 0.97


def test_held_out_figures_are_computed_and_above_a_floor() -> None:
    # Measured P 0.94, R 0.86, F1 0.90 when the patterns were first run on it; the
    # patterns were not tuned on it afterwards. Only a floor, not a target.
    report = notes_eval.evaluate(notes_eval.load_set("heldout"))
    assert report.micro.support > 0
    assert report.micro.f1 >= 0.7


def test_the_evaluation_script_prints_a_table_per_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert notes_eval.main(["--set", "all"]) == 0
    out = capsys.readouterr().out
    assert "dev (" in out and "heldout (" in out
    assert out.count("micro avg") == 2
