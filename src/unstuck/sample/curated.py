"""The sixty hand-shaped open deals of the sample pipeline.

Each line of :data:`SPECS` is one deal and says what is wrong with it (or that nothing
is): the knobs (days in stage, days since the prospect last replied, messages sent since,
who is involved, which questions are answered, the why, the close date) plus *traits*
that add a story (resistance, disagreement, a declined commitment, the "more of
everything" loop). The seed only jitters times, values and names, so every situation
is present for every seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from unstuck.config import DEFAULT_STAGES
from unstuck.domain import AccountType as A
from unstuck.domain import (
    Answer,
    Authority,
    Channel,
    Deal,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Stance,
    TouchKind,
)
from unstuck.sample import text
from unstuck.sample.draft import Clock, Draft, close_history, slug

IN, OUT = Direction.INBOUND, Direction.OUTBOUND


@dataclass
class Seat:
    """A person's place in the buying group, before they get a name."""

    slot: str  # key into text.TITLES
    roles: tuple[Role, ...]
    authority: Authority
    stance: Stance = Stance.SUPPORTIVE
    engaged: bool = True  # appears in touches
    faction: str | None = None
    consultancy: str | None = None
    id: str = ""
    first: str = ""


R = Role
GROUPS: dict[str, tuple[tuple[str, tuple[Role, ...], Authority, Stance, bool], ...]] = {
    "full": (
        ("champion", (R.EVALUATION, R.CHAMPION), Authority.MEDIUM, Stance.SUPPORTIVE, True),
        ("approval", (R.APPROVAL, R.DECISION_MAKER), Authority.HIGH, Stance.SUPPORTIVE, True),
        ("purchasing", (R.PURCHASING,), Authority.MEDIUM, Stance.NEUTRAL, True),
        ("end_user", (R.END_USER, R.SELECTION), Authority.LOW, Stance.SUPPORTIVE, True),
    ),
    "trio": (
        ("champion", (R.EVALUATION, R.CHAMPION), Authority.MEDIUM, Stance.SUPPORTIVE, True),
        ("approval", (R.APPROVAL, R.DECISION_MAKER), Authority.HIGH, Stance.NEUTRAL, True),
        ("end_user", (R.END_USER, R.SELECTION), Authority.LOW, Stance.SUPPORTIVE, True),
    ),
    "pair": (
        ("champion", (R.EVALUATION, R.CHAMPION), Authority.MEDIUM, Stance.SUPPORTIVE, True),
        ("end_user", (R.END_USER,), Authority.LOW, Stance.NEUTRAL, True),
    ),
    "solo": (("champion", (R.EVALUATION, R.CHAMPION), Authority.MEDIUM, Stance.SUPPORTIVE, True),),
    "gatekeeper": (
        ("gatekeeper", (R.GATEKEEPER, R.EVALUATION), Authority.LOW, Stance.NEUTRAL, True),
        ("evaluation", (R.EVALUATION, R.END_USER), Authority.LOW, Stance.SUPPORTIVE, True),
        ("decision_maker", (R.DECISION_MAKER, R.APPROVAL), Authority.HIGH, Stance.UNKNOWN, False),
    ),
}  # fmt: skip
GROUPS["wide"] = (
    *GROUPS["full"],
    ("problem_owner", (R.PROBLEM_OWNER, R.SELECTION), Authority.MEDIUM, Stance.SUPPORTIVE, True),
)


class Trait:
    """A story added to a deal: ``cast`` changes who is involved, ``act`` adds what happened."""

    def cast(self, seats: list[Seat], rng: random.Random) -> None:
        return None

    def act(self, shaper: Shaper) -> None:
        return None


@dataclass
class Shaper:
    """One spec being turned into a deal; traits write through it."""

    spec: Spec
    draft: Draft
    clock: Clock
    rng: random.Random
    seats: list[Seat]
    silence: int
    age: int
    in_stage: int

    def seat(self, *slots: str) -> Seat:
        """The first engaged seat in one of ``slots`` (in that order), or the first seat."""
        for slot in slots:
            for seat in self.seats:
                if seat.slot == slot and seat.engaged:
                    return seat
        return self.seats[0]

    def say(
        self, days: int, direction: Direction, channel: Channel, kind: TouchKind | None,
        template: str, *seats: Seat,
    ) -> None:  # fmt: skip
        who = tuple(dict.fromkeys(s.id for s in seats))
        summary = template.format(
            name=seats[0].first, account=self.spec.account, product=self.product_label
        )
        self.draft.touch(self.clock.at(days), direction, channel, who, kind, summary)

    @property
    def product_label(self) -> str:
        return text.PRODUCTS[self.spec.product][0]

    def answer(self, days: int, question: str, answer: str, seat: Seat) -> None:
        self.draft.answers.append(Answer(question, answer, self.clock.at(days), seat.id))


class Resist(Trait):
    """Someone pushes back; who, says the scenario (domain.md section 5)."""

    _REPLACES: ClassVar[dict[str, Role]] = {
        "purchaser": Role.PURCHASING,
        "end_user": Role.END_USER,
        "problem_owner": Role.PROBLEM_OWNER,
        "decision_maker": Role.DECISION_MAKER,
    }

    def __init__(self, scenario: str) -> None:
        self.scenario = scenario

    def cast(self, seats: list[Seat], rng: random.Random) -> None:
        replaced = self._REPLACES.get(self.scenario)
        if replaced is not None:
            seats[:] = [s for s in seats if replaced not in s.roles]
        no, mid, high, resistant = Authority.LOW, Authority.MEDIUM, Authority.HIGH, Stance.RESISTANT
        if self.scenario == "purchaser":
            seats.append(Seat("purchasing", (R.PURCHASING,), mid, resistant))
        elif self.scenario == "end_user":
            seats.append(Seat("end_user", (R.END_USER,), no, resistant))
        elif self.scenario == "problem_owner":
            seats.append(Seat("problem_owner", (R.PROBLEM_OWNER,), mid, resistant))
        elif self.scenario == "decision_maker":
            seats.append(Seat("decision_maker", (R.DECISION_MAKER, R.APPROVAL), high, resistant))
        elif self.scenario == "outsider":
            firm = rng.choice(text.CONSULTANCIES)
            seats.append(Seat("outsider", (R.OUTSIDER,), mid, resistant, consultancy=firm))
        elif self.scenario == "insider":
            seats.append(Seat("insider", (R.INSIDER,), high, resistant))
        else:
            # A faction: several people who share a name for themselves and push back together.
            group = rng.choice(text.FACTIONS)
            seats.extend(Seat("faction", (), mid, resistant, faction=group) for _ in range(3))

    def act(self, shaper: Shaper) -> None:
        resisters = [s for s in shaper.seats if s.stance is Stance.RESISTANT]
        contact = shaper.seat("champion", "evaluation", "gatekeeper")
        template = text.RESISTANCE[self.scenario]
        day = shaper.silence + 3 + int(shaper.rng.random() * 6)
        shaper.say(day, IN, Channel.CALL, None, template, resisters[0], contact)
        if self.scenario == "faction":
            shaper.say(day - 2, IN, Channel.MEETING, None,
                       "{name} and colleagues questioned why the change is needed at all.",
                       *resisters)  # fmt: skip
        else:
            shaper.say(day - 2, OUT, Channel.MEETING, None,
                       "Met {name} to hear the concerns first-hand.", resisters[0])  # fmt: skip


class Misaligned(Trait):
    """People at the prospect answer the same questions differently, yet all want change."""

    def act(self, shaper: Shaper) -> None:
        one = shaper.seat("champion", "gatekeeper")
        other = next(s for s in shaper.seats if s.engaged and s is not one)
        for index, (question, first, second) in enumerate(text.CONFLICTS[:2]):
            shaper.answer(shaper.silence + 12 + index, question, first, one)
            shaper.answer(shaper.silence + 6 + index, question, second, other)
        notes = shaper.rng.sample(text.MISALIGNED_NOTES, 2)
        shaper.say(shaper.silence + 8, IN, Channel.CALL, None, notes[0], one)
        shaper.say(shaper.silence + 2, IN, Channel.MEETING, None, notes[1], other)


class Declined(Trait):
    """Asked for a commitment to explore together; the contact would not give it."""

    def act(self, shaper: Shaper) -> None:
        contact = shaper.seat("gatekeeper", "champion")
        shaper.say(shaper.silence + 4, OUT, Channel.CALL, TouchKind.COMMITMENT_ASKED,
                   text.COMMITMENT_ASK, contact)  # fmt: skip
        reply = shaper.rng.choice(text.COMMITMENT_DECLINED)
        shaper.say(shaper.silence + 1, IN, Channel.CALL, TouchKind.COMMITMENT_DECLINED,
                   reply, contact)  # fmt: skip


class Given(Trait):
    """The contact agreed to explore together; the buying group is being met."""

    def act(self, shaper: Shaper) -> None:
        contact = shaper.seat("champion")
        shaper.say(shaper.silence + 9, OUT, Channel.CALL, TouchKind.COMMITMENT_ASKED,
                   text.COMMITMENT_ASK, contact)  # fmt: skip
        reply = shaper.rng.choice(text.COMMITMENT_GIVEN)
        shaper.say(shaper.silence + 8, IN, Channel.CALL, TouchKind.COMMITMENT_GIVEN, reply, contact)
        for offset, slot in enumerate(("approval", "purchasing")):
            seat = shaper.seat(slot)
            shaper.say(shaper.silence + 5 - 2 * offset, IN, Channel.MEETING, None,
                       text.BUYING_MEETING, seat, contact)  # fmt: skip


class Loop(Trait):
    """More information, meetings, discounts and scope, while the stage stands still."""

    def __init__(self, count: int) -> None:
        self.count = count

    def act(self, shaper: Shaper) -> None:
        contact = shaper.seat("champion", "purchasing")
        start = shaper.silence + 1
        stop = min(shaper.in_stage, 44)
        step = max(1, (stop - start) // self.count)
        offset = int(shaper.rng.random() * len(text.LOOP))
        for index in range(self.count):
            direction, kind, channel, template = text.LOOP[(offset + index) % len(text.LOOP)]
            way = IN if direction == "inbound" else OUT
            shaper.say(stop - 1 - index * step, way, channel, kind, template, contact)


class FinalCall(Trait):
    """The quiet sequence has reached its last message (the chase writes it)."""


@dataclass(frozen=True)
class Spec:
    id: str
    account: str
    account_type: A | None
    product: str  # key into text.PRODUCTS
    owner: int
    stage: str
    value: int
    in_stage: int = 10  # days in the current stage
    silence: int = 3  # days since the prospect last replied
    chasers: int = 0  # seller messages since that reply
    group: str = "full"
    answered: str = "BANT"  # initials of the answered qualification questions
    why: str = "fresh"  # fresh: recorded and recently mentioned; stale; missing
    close_in: int = 45  # days until the expected close (negative: passed)
    pushes: int = 0  # times the expected close was moved later
    traits: tuple[Trait, ...] = ()


LT, OO = A.LONG_TERM, A.ONE_OFF
S = Spec
# fmt: off
SPECS: tuple[Spec, ...] = (
    # Healthy and moving.
    S("northwind-fleet", "Northwind Logistics", LT, "fleet", 0, "proposal", 48000, 9, 2, group="wide", traits=(Given(),)),  # noqa: E501
    S("bluefin-wms", "Bluefin Foods", LT, "wms", 1, "negotiation", 36000, 6, 1, close_in=21),
    S("cedar-field", "Cedar Clinics", OO, "field", 2, "discovery", 54000, 12, 3),
    S("summit-analytics", "Summit Energy", LT, "analytics", 3, "qualified", 28000, 7, 2, close_in=75),  # noqa: E501
    S("harbor-portal", "Harbor Freight Lines", LT, "portal", 4, "proposal", 42000, 10, 4, pushes=1),
    S("juniper-training", "Juniper Hotels", OO, "training", 0, "negotiation", 18000, 8, 2, close_in=14),  # noqa: E501
    S("keystone-support", "Keystone Builders", LT, "support", 1, "discovery", 22000, 14, 5),
    S("lumen-scheduling", "Lumen Health", LT, "scheduling", 2, "proposal", 26000, 11, 3, traits=(Given(),)),  # noqa: E501
    S("meridian-quality", "Meridian Pharma", OO, "quality", 3, "qualified", 33000, 5, 1),
    S("pioneer-migration", "Pioneer Manufacturing", LT, "migration", 4, "discovery", 120000, 15, 2, group="wide", close_in=90),  # noqa: E501
    S("redwood-fleet", "Redwood Transit", None, "fleet", 0, "lead", 30000, 6, 2, group="trio", close_in=100),  # noqa: E501
    S("silverline-portal", "Silverline Telecom", LT, "portal", 1, "negotiation", 64000, 10, 3, close_in=18, pushes=1),  # noqa: E501
    S("tidewater-wms", "Tidewater Marine", OO, "wms", 2, "proposal", 41000, 7, 2),
    S("union-analytics", "Union Insurance", LT, "analytics", 3, "discovery", 35000, 9, 4),
    S("westbrook-field", "Westbrook Water", LT, "field", 4, "qualified", 47000, 10, 3),
    S("zenith-support", "Zenith Aviation", OO, "support", 0, "proposal", 25000, 13, 5),
    S("alder-scheduling", "Alder Schools", LT, "scheduling", 1, "qualified", 19000, 4, 1),
    S("beacon-training", "Beacon Retail", LT, "training", 2, "negotiation", 24000, 5, 2, close_in=10),  # noqa: E501
    S("evergreen-quality", "Evergreen Dairy", OO, "quality", 3, "discovery", 29000, 8, 3),
    S("granite-migration", "Granite Metals", LT, "migration", 4, "lead", 95000, 5, 1, close_in=120),
    # Gone quiet: no reply for three to ten weeks while the seller kept writing.
    S("foxglove-portal", "Foxglove Outdoor", OO, "portal", 0, "proposal", 39000, 40, 30, 3),
    S("copperfield-fleet", "Copperfield Freight", LT, "fleet", 1, "proposal", 52000, 55, 45, 5, close_in=-10, pushes=1),  # noqa: E501
    S("driftwood-wms", "Driftwood Packaging", OO, "wms", 2, "negotiation", 33000, 70, 63, 6, traits=(FinalCall(),)),  # noqa: E501
    S("quarry-analytics", "Quarry Tools", LT, "analytics", 3, "discovery", 21000, 35, 24, 2),
    S("orchard-training", "Orchard Bakeries", OO, "training", 4, "proposal", 15000, 60, 52, 4, why="stale"),  # noqa: E501
    S("nimbus-support", "Nimbus Media", LT, "support", 0, "qualified", 17000, 50, 38, 3, group="pair"),  # noqa: E501
    S("vantage-field", "Vantage Security", OO, "field", 1, "proposal", 44000, 80, 67, 6, group="solo"),  # noqa: E501
    # Many voices, no shared answer.
    S("ironbark-migration", "Ironbark Plastics", LT, "migration", 2, "discovery", 140000, 50, 4, group="wide", traits=(Misaligned(),)),  # noqa: E501
    S("yellowstone-scheduling", "Yellowstone Gardens", OO, "scheduling", 3, "proposal", 23000, 40, 6, group="wide", traits=(Misaligned(),)),  # noqa: E501
    S("lumen-analytics", "Lumen Health", LT, "analytics", 4, "discovery", 31000, 45, 3, traits=(Misaligned(), Given())),  # noqa: E501
    S("acme-portal", "Acme Retail", LT, "portal", 0, "qualified", 38000, 30, 8, traits=(Misaligned(),)),  # noqa: E501
    # A gatekeeper who will not commit.
    S("kestrel-scheduling", "Kestrel Kitchens", OO, "scheduling", 1, "discovery", 27000, 38, 5, group="gatekeeper", traits=(Declined(),)),  # noqa: E501
    S("seaview-quality", "Seaview Optics", LT, "quality", 2, "proposal", 36000, 42, 9, group="gatekeeper", close_in=-5, pushes=2, traits=(Declined(),)),  # noqa: E501
    S("marlow-analytics", "Marlow Studios", OO, "analytics", 3, "qualified", 19000, 33, 4, group="gatekeeper", answered="BN", traits=(Declined(),)),  # noqa: E501
    # Resistance, each scenario on a long-term and on a one-off account.
    S("tidewater-fleet", "Tidewater Energy", LT, "fleet", 4, "negotiation", 61000, 35, 6, traits=(Resist("purchaser"),)),  # noqa: E501
    S("granite-wms", "Granite Builders", OO, "wms", 0, "negotiation", 45000, 50, 5, traits=(Resist("purchaser"), Loop(4))),  # noqa: E501
    S("pioneer-field", "Pioneer Dairy", LT, "field", 1, "proposal", 50000, 30, 4, traits=(Resist("end_user"),)),  # noqa: E501
    S("zenith-scheduling", "Zenith Furniture", OO, "scheduling", 2, "discovery", 21000, 28, 7, traits=(Resist("end_user"),)),  # noqa: E501
    S("meridian-portal", "Meridian Transit", LT, "portal", 3, "proposal", 47000, 44, 10, traits=(Resist("problem_owner"),)),  # noqa: E501
    S("alder-quality", "Alder Printing", OO, "quality", 4, "discovery", 26000, 36, 6, traits=(Resist("problem_owner"),)),  # noqa: E501
    S("summit-migration", "Summit Insurance", LT, "migration", 0, "negotiation", 160000, 60, 12, close_in=-20, pushes=3, traits=(Resist("decision_maker"),)),  # noqa: E501
    S("evergreen-training", "Evergreen Motors", OO, "training", 1, "proposal", 16000, 40, 5, traits=(Resist("decision_maker"),)),  # noqa: E501
    S("westbrook-analytics", "Westbrook Clinics", LT, "analytics", 2, "proposal", 34000, 38, 8, traits=(Resist("outsider"),)),  # noqa: E501
    S("nimbus-migration", "Nimbus Labs", OO, "migration", 3, "discovery", 88000, 42, 6, traits=(Resist("outsider"),)),  # noqa: E501
    S("juniper-support", "Juniper Water", LT, "support", 4, "proposal", 28000, 33, 5, traits=(Resist("insider"),)),  # noqa: E501
    S("orchard-fleet", "Orchard Energy", OO, "fleet", 0, "discovery", 39000, 29, 9, traits=(Resist("insider"),)),  # noqa: E501
    S("union-scheduling", "Union Retail", LT, "scheduling", 1, "proposal", 58000, 41, 4, traits=(Resist("faction"),)),  # noqa: E501
    S("redwood-wms", "Redwood Outdoor", OO, "wms", 2, "negotiation", 37000, 34, 7, traits=(Resist("faction"),)),  # noqa: E501
    # More of everything, no progress.
    S("bluefin-quality", "Bluefin Pharma", LT, "quality", 3, "proposal", 52000, 65, 3, traits=(Loop(5),)),  # noqa: E501
    S("silverline-portal-2", "Silverline Hotels", OO, "portal", 4, "negotiation", 44000, 55, 2, traits=(Loop(4),)),  # noqa: E501
    S("keystone-analytics", "Keystone Energy", LT, "analytics", 0, "discovery", 30000, 50, 4, traits=(Loop(3),)),  # noqa: E501
    # The why: never recorded, or recorded and then dropped from the conversation.
    S("copperfield-support", "Copperfield Labs", OO, "support", 1, "qualified", 14000, 120, 5, group="solo", why="missing"),  # noqa: E501
    S("cedar-field-2", "Cedar Telecom", LT, "field", 2, "proposal", 57000, 25, 3, group="trio", why="missing"),  # noqa: E501
    S("quarry-wms", "Quarry Foods", None, "wms", 3, "lead", 31000, 18, 6, why="missing", answered=""),  # noqa: E501
    S("beacon-migration", "Beacon Manufacturing", LT, "migration", 4, "proposal", 105000, 40, 5, why="stale"),  # noqa: E501
    S("driftwood-training", "Driftwood Hotels", OO, "training", 0, "negotiation", 20000, 30, 4, why="stale"),  # noqa: E501
    # Unanswered qualification questions, slipping close dates, one thread only.
    S("foxglove-scheduling", "Foxglove Schools", LT, "scheduling", 1, "proposal", 25000, 20, 4, answered="N"),  # noqa: E501
    S("marlow-fleet", "Marlow Freight", OO, "fleet", 2, "negotiation", 43000, 15, 3, answered="BN", close_in=-12, pushes=2),  # noqa: E501
    S("ironbark-portal", "Ironbark Metals", None, "portal", 3, "discovery", 29000, 95, 5, group="solo", answered=""),  # noqa: E501
    S("kestrel-wms", "Kestrel Logistics", LT, "wms", 4, "negotiation", 49000, 110, 11, close_in=-25, pushes=4),  # noqa: E501
)
# fmt: on

_QUESTION = {"B": "budget", "A": "authority", "N": "need", "T": "timeline"}
# Who usually answers each question.
_ANSWERER = {
    "budget": ("approval", "purchasing", "decision_maker"),
    "authority": ("champion", "gatekeeper"),
    "need": ("problem_owner", "champion", "end_user", "evaluation"),
    "timeline": ("decision_maker", "approval", "champion"),
}


def _name_seats(seats: list[Seat], rng: random.Random, domain: str) -> list[Stakeholder]:
    firsts = rng.sample(text.FIRST_NAMES, len(seats))
    people = []
    for seat, first in zip(seats, firsts, strict=True):
        last = rng.choice(text.LAST_NAMES)
        seat.first, seat.id = first, first.lower()
        where = slug(seat.consultancy).replace("-", "") + ".example" if seat.consultancy else domain
        title = rng.choice(text.TITLES[seat.slot])
        if seat.consultancy:
            title = f"{title}, {seat.consultancy}"
        elif seat.faction:
            title = f"{title}, {rng.choice(('North', 'South', 'East', 'West', 'Central'))}"
        people.append(
            Stakeholder(seat.id, f"{first} {last}", f"{first}.{last}@{where}".lower(), title,
                        seat.roles, seat.stance, seat.authority, seat.faction)
        )  # fmt: skip
    return people


def build_open_deal(spec: Spec, clock: Clock, rng: random.Random) -> Deal:
    stages = DEFAULT_STAGES[: DEFAULT_STAGES.index(spec.stage) + 1]
    in_stage = max(2, spec.in_stage + int(rng.random() * 5) - 2)
    silence = min(in_stage + 1, max(1, spec.silence + int(rng.random() * 3) - 1))
    entries = [in_stage]
    for _ in stages[:-1]:
        entries.append(entries[-1] + 10 + int(rng.random() * 18))
    entries.reverse()  # days ago each stage was entered, lead first
    # Room before the last reply for the ordinary conversation, and for the traits' stories.
    need_age = max(silence + (16 if spec.traits else 8), spec.pushes * 36 - spec.close_in + 20)
    if spec.why == "stale":
        need_age = max(need_age, 110)
    entries[0] = max(entries[0], need_age)
    age = entries[0]
    label, _value, whys = text.PRODUCTS[spec.product]
    why, echo = rng.choice(whys)
    seats = [Seat(slot, roles, auth, stance, engaged) for slot, roles, auth, stance, engaged
             in GROUPS[spec.group]]  # fmt: skip
    for trait in spec.traits:
        trait.cast(seats, rng)
    account_slug = slug(spec.account)
    draft = Draft(
        id=spec.id, name=f"{spec.account} – {label}", stage=spec.stage,
        created=clock.at(age, 0), account=spec.account,
        account_type=spec.account_type, owner=text.OWNERS[spec.owner][1],
        value=float(round(spec.value * (0.92 + rng.random() * 0.16) / 500) * 500),
        why=None if spec.why == "missing" else why,
        fields={"region": rng.choice(text.REGIONS), "source": rng.choice(text.SOURCES)},
    )  # fmt: skip
    draft.people = _name_seats(seats, rng, account_slug.replace("-", "") + ".example")
    draft.stages = [StageChange(s, clock.at(day)) for s, day in zip(stages, entries, strict=True)]
    draft.stages[0] = StageChange(stages[0], draft.created)
    draft.expected_close, draft.closes = close_history(clock, rng, age, spec.close_in, spec.pushes)
    shaper = Shaper(spec, draft, clock, rng, seats, silence, age, in_stage)
    _converse(shaper, echo)
    for trait in spec.traits:
        trait.act(shaper)
    _chase(shaper, echo)
    for initial in spec.answered:
        question = _QUESTION[initial]
        seat = shaper.seat(*_ANSWERER[question])
        day = silence + 1 + int(rng.random() * max(1, min(age - 1, 60) - silence - 1))
        shaper.answer(day, question, rng.choice(text.ANSWERS[question]), seat)
    return draft.build()


def _converse(shaper: Shaper, echo: str) -> None:
    """The ordinary back-and-forth of a deal, up to the prospect's last reply."""
    spec, rng, silence, age = shaper.spec, shaper.rng, shaper.silence, shaper.age
    engaged = [s for s in shaper.seats if s.engaged and s.stance is not Stance.RESISTANT]
    engaged = engaged or shaper.seats[:1]
    first = engaged[0]
    channel, kind, template = text.FIRST_TOUCH
    shaper.say(age, IN, channel, kind, template, first)
    if spec.why != "missing":
        shaper.say(max(age - 2, silence + 1), IN, Channel.CALL, None,
                   text.WHY_FIRST.replace("{echo}", echo), first)  # fmt: skip
    for change in shaper.draft.stages[1:]:
        channel, kind, template = text.STAGE_TOUCH[change.stage]
        summary = template.format(name=first.first, product=shaper.product_label)
        shaper.draft.touch(change.at, OUT, channel, (first.id,), kind, summary)
    day, turn = age - 4, 0
    while day > silence:
        seat = engaged[turn % len(engaged)]
        pool = text.IN_WORK if turn % 2 else text.OUT_WORK
        channel, kind, template = pool[int(rng.random() * len(pool))]
        shaper.say(day, IN if turn % 2 else OUT, channel, kind, template, seat)
        day -= 4 + int(rng.random() * 5)
        turn += 1
    last = engaged[turn % len(engaged)]
    if spec.why == "fresh" and silence <= 14:
        shaper.say(silence, IN, Channel.CALL, None, text.WHY_TOUCH.replace("{echo}", echo), last)
    else:
        channel, kind, template = text.IN_WORK[int(rng.random() * len(text.IN_WORK))]
        shaper.say(silence, IN, channel, kind, template, last)


def _chase(shaper: Shaper, echo: str) -> None:
    """The seller's messages after the prospect went quiet, each one different."""
    count = shaper.spec.chasers
    if not count:
        return
    contact = shaper.seat("champion", "gatekeeper")
    silence = shaper.silence
    start = int(shaper.rng.random() * len(text.CADENCE))
    steps = [text.CADENCE[(start + i) % len(text.CADENCE)] for i in range(count)]
    if shaper.spec.why == "fresh":
        # Mid-sequence, so the why is still part of a conversation inside the last weeks.
        steps[count // 2] = (Channel.EMAIL, None, "Asked {name} how it is going with " + echo + ".")
    if any(isinstance(trait, FinalCall) for trait in shaper.spec.traits):
        steps[-1] = (Channel.EMAIL, TouchKind.FINAL_CALL, text.FINAL_CALL)
    step = (silence - 1) / count
    for index, (channel, kind, template) in enumerate(steps):
        day = silence - round(step * (index + 1))
        shaper.say(max(day, 1), OUT, channel, kind, template, contact)


def build_open_deals(now: datetime, rng: random.Random) -> list[Deal]:
    clock = Clock(now, rng)
    return [build_open_deal(spec, clock, rng) for spec in SPECS]
