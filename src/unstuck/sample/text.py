"""The words of the sample pipeline: people, companies, what they buy and why, and notes.

Everything here is invented for Unstuck. Templates use ``str.format`` fields:
``{name}`` (a first name at the prospect), ``{account}`` and ``{product}``.
"""

from __future__ import annotations

from unstuck.domain import Channel, TouchKind

BANT = ("budget", "authority", "need", "timeline")

OWNERS = (
    ("Sam Ortiz", "sam.ortiz@example.com"),
    ("Priya Nair", "priya.nair@example.com"),
    ("Jonas Weber", "jonas.weber@example.com"),
    ("Mei Tanaka", "mei.tanaka@example.com"),
    ("Lena Brooks", "lena.brooks@example.com"),
)

FIRST_NAMES = (
    "Ava", "Ben", "Carla", "Dana", "Elias", "Fatima", "Gus", "Hana", "Ivan", "Jade",
    "Kofi", "Laura", "Marco", "Nadia", "Omar", "Paula", "Quinn", "Rosa", "Sven", "Tara",
    "Umar", "Vera", "Wes", "Xenia", "Yusuf", "Zoe", "Anil", "Bea", "Chris", "Dmitri",
    "Erin", "Farah", "Gil", "Helga", "Ines", "Joel", "Kira", "Leon", "Maya", "Nils",
    "Olga", "Pedro", "Rita", "Saul", "Tess", "Uma", "Victor", "Wanda", "Yara", "Zack",
)  # fmt: skip

LAST_NAMES = (
    "Adler", "Banks", "Cho", "Diaz", "Eklund", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lund", "Moreau", "Novak", "Okafor", "Park", "Quintero",
    "Rossi", "Sato", "Toure", "Ulrich", "Varga", "Walsh", "Xu", "Yilmaz", "Zimmer",
    "Brandt", "Costa", "Dubois", "Ferreira", "Gallo", "Horvat", "Ivanova", "Keller",
    "Larsen", "Mendes", "Nakamura", "Olsen", "Petrov", "Reyes",
)  # fmt: skip

# Company name parts for the streamed pipeline (prefix x suffix gives 1,200 names).
ACCOUNT_PREFIXES = (
    "Acme", "Northwind", "Bluefin", "Cedar", "Summit", "Harbor", "Ironbark", "Juniper",
    "Keystone", "Lumen", "Meridian", "Nimbus", "Orchard", "Pioneer", "Quarry", "Redwood",
    "Silverline", "Tidewater", "Union", "Vantage", "Westbrook", "Yellowstone", "Zenith",
    "Alder", "Beacon", "Copperfield", "Driftwood", "Evergreen", "Foxglove", "Granite",
)  # fmt: skip
ACCOUNT_SUFFIXES = (
    "Logistics", "Foods", "Clinics", "Manufacturing", "Retail", "Energy", "Freight",
    "Hotels", "Labs", "Builders", "Dairy", "Pharma", "Textiles", "Telecom", "Insurance",
    "Bakeries", "Motors", "Water", "Media", "Outdoor", "Packaging", "Farms", "Schools",
    "Transit", "Tools", "Furniture", "Plastics", "Paper", "Metals", "Studios",
    "Brewing", "Printing", "Health", "Security", "Cleaning", "Marine", "Aviation",
    "Gardens", "Optics", "Kitchens",
)  # fmt: skip

REGIONS = ("EMEA", "NA", "APAC", "LATAM")
SOURCES = ("referral", "inbound", "outbound", "event", "partner")

# product key -> (label, typical value, whys as (why, echo)). The echo is how the
# seller brings that why back into a later conversation, in overlapping words.
PRODUCTS: dict[str, tuple[str, int, tuple[tuple[str, str], ...]]] = {
    "fleet": ("fleet tracking", 48000, (
        ("Drivers lose about two hours a day to paper logbooks, and the operations "
         "director wants that gone before the spring safety audit.",
         "the two hours a day drivers lose to paper logbooks before the safety audit"),
        ("Late deliveries cost them a key grocery contract last year; they want to see "
         "every truck live so it never happens again.",
         "seeing every truck live so late deliveries never cost them a contract again"),
    )),
    "wms": ("warehouse scanning", 36000, (
        ("Picking errors run at 3% and every wrong parcel costs a return; the goal is "
         "under 0.5% before peak season.",
         "getting picking errors from 3% to under 0.5% before peak season"),
        ("Stock counts take the whole warehouse offline for a weekend each quarter; "
         "they want continuous counting instead.",
         "stopping the quarterly weekend shutdown for stock counts"),
    )),
    "field": ("field service app", 54000, (
        ("Technicians drive back to the depot for paperwork; the service manager wants "
         "two more visits per technician per day.",
         "two more visits per technician per day without the depot paperwork trips"),
        ("First-time fix rate is 68% and customers complain; they want technicians to "
         "arrive with the right parts and history.",
         "raising the 68% first-time fix rate with parts and history on site"),
    )),
    "analytics": ("sales analytics", 28000, (
        ("The CFO cannot trust the forecast; three people rebuild it in spreadsheets "
         "every Monday.",
         "a forecast the CFO can trust without rebuilding spreadsheets every Monday"),
        ("Regional managers find out about lost customers months too late to act.",
         "spotting lost customers early enough for regional managers to act"),
    )),
    "training": ("onboarding programme", 18000, (
        ("New hires need five months to be productive; the head of sales wants it under "
         "three so the expansion plan holds.",
         "new hires productive in under three months so the expansion plan holds"),
        ("Half of last year's hires left within a year, and exit interviews blame a "
         "chaotic first month.",
         "a first month that keeps new hires from leaving within the year"),
    )),
    "support": ("premium support", 22000, (
        ("An outage in March stopped the tills for six hours; the board asked for a "
         "guaranteed response time.",
         "a guaranteed response time so the tills never stop for six hours again"),
        ("Their only in-house specialist retires in June and nobody else knows the "
         "system.",
         "covering for the specialist who retires in June"),
    )),
    "migration": ("ERP data migration", 120000, (
        ("The old ERP loses vendor support at year end; staying on it means running "
         "unpatched finance systems.",
         "getting off the old ERP before vendor support ends at year end"),
        ("Month-end close takes twelve days because data lives in four systems; the "
         "controller wants five.",
         "a five-day month-end close instead of twelve"),
    )),
    "portal": ("customer portal", 42000, (
        ("Forty percent of support calls are customers asking where their order is.",
         "the forty percent of support calls that are order-status questions"),
        ("Dealers want to reorder at night and on weekends, and a competitor already "
         "lets them.",
         "letting dealers reorder at night and on weekends like the competitor does"),
    )),
    "scheduling": ("shift scheduling", 26000, (
        ("Overtime is 18% over budget because rotas are built by hand each week.",
         "overtime 18% over budget from hand-built weekly rotas"),
        ("Nurses swap shifts by text message and the ward sometimes ends up short.",
         "wards ending up short because shift swaps happen by text message"),
    )),
    "quality": ("quality audits", 33000, (
        ("A customer audit found gaps in their batch records; they have six months to "
         "prove the fix.",
         "closing the batch-record gaps within the six months the customer gave them"),
        ("Inspectors fill in paper checklists that nobody reads until something fails.",
         "paper checklists nobody reads until something fails"),
    )),
}  # fmt: skip

# Answers to the BANT questions: question -> plain answers.
ANSWERS: dict[str, tuple[str, ...]] = {
    "budget": (
        "Budget approved for this financial year.",
        "Money is set aside in the operations budget.",
        "Can fund it from the savings on the old contract.",
        "Needs sign-off from finance, but the amount is within range.",
    ),
    "authority": (
        "The COO signs; the IT director has to agree.",
        "The managing director decides with the finance lead.",
        "Steering committee decides; our contact sits on it.",
        "Head of operations owns the budget and the decision.",
    ),
    "need": (
        "They have tried to fix it internally twice and it did not stick.",
        "The problem gets worse every month as volumes grow.",
        "A customer has made it a condition of renewing.",
        "Audit findings make it a must this year.",
    ),
    "timeline": (
        "Want it live before the next quarter starts.",
        "Aiming to decide this month, go live in the summer.",
        "Must be running before peak season.",
        "Board review in six weeks; want a decision before then.",
    ),
}

# Conflicting answers to the same question, one per person (misaligned stakeholders).
CONFLICTS: tuple[tuple[str, str, str], ...] = (
    ("need", "Wants to replace the whole process this year.",
     "Only the reporting needs fixing; the rest works fine."),
    ("timeline", "Has to be live before the summer.",
     "No rush; next year would be fine."),
    ("budget", "The budget is there and approved.",
     "Nothing is budgeted; it would have to wait for the next cycle."),
    ("authority", "Thinks the operations director decides.",
     "Says the IT steering group decides and has not seen it yet."),
)  # fmt: skip

TITLES: dict[str, tuple[str, ...]] = {
    "champion": ("Operations Manager", "Head of Logistics", "Service Manager", "Sales Ops Lead"),
    "evaluation": ("Business Analyst", "IT Manager", "Process Lead", "Project Manager"),
    "end_user": ("Team Lead", "Warehouse Supervisor", "Dispatcher", "Senior Technician"),
    "approval": ("Finance Director", "CFO", "VP Operations", "Managing Director"),
    "purchasing": ("Procurement Manager", "Purchasing Lead", "Category Buyer"),
    "problem_owner": ("Head of Customer Service", "Plant Manager", "Quality Manager"),
    "decision_maker": ("Chief Operating Officer", "General Manager", "CEO"),
    "gatekeeper": ("Executive Assistant", "IT Coordinator", "Office Manager"),
    "insider": ("Head of IT Architecture", "Chief of Staff", "Senior Engineer"),
    "outsider": ("Consultant", "Independent Adviser", "Implementation Partner"),
    "faction": ("Store Manager", "Regional Manager", "Shift Supervisor"),
}

CONSULTANCIES = ("Brightline Advisory", "Kestrel Partners", "Norland Consulting")

# (channel, kind, summary): what the seller sends or does while the deal moves.
OUT_WORK: tuple[tuple[Channel, TouchKind | None, str], ...] = (
    (Channel.CALL, None, "Walked {name} through how a typical rollout week looks."),
    (Channel.EMAIL, None, "Sent {name} the notes from our call and the open points."),
    (Channel.MEETING, None, "Workshop with {name} on their current process, step by step."),
    (Channel.EMAIL, None, "Shared a reference story from a company of similar size."),
    (Channel.CALL, None, "Checked with {name} that the pilot scope still fits their plans."),
    (Channel.MESSAGE, None, "Confirmed Thursday's session with {name}."),
    (Channel.VISIT, None, "Visited the site with {name} to see the process in person."),
    (Channel.EMAIL, None, "Sent {name} the draft project plan with owners and dates."),
)
# (channel, kind, summary): what the prospect says while the deal moves.
IN_WORK: tuple[tuple[Channel, TouchKind | None, str], ...] = (
    (Channel.EMAIL, None, "{name} replied with the numbers we asked for."),
    (Channel.CALL, None, "{name} called to go over the pilot details; positive."),
    (Channel.EMAIL, None, "{name} confirmed the next session and added a colleague."),
    (Channel.MEETING, None, "Review with {name}: agreed the next step and who joins."),
    (Channel.EMAIL, None, "{name} sent their internal requirements list."),
    (Channel.MESSAGE, None, "{name}: thanks, shared it with the team, talk Tuesday."),
    (Channel.CALL, None, "{name} asked how other customers handled the switch-over."),
)
# What happens when a deal enters each stage.
STAGE_TOUCH: dict[str, tuple[Channel, TouchKind | None, str]] = {
    "qualified": (Channel.CALL, None, "First real conversation with {name} about their situation."),
    "discovery": (Channel.MEETING, None, "Discovery session with {name} and the team."),
    "proposal": (Channel.EMAIL, TouchKind.PROPOSAL_SENT, "Sent {name} the proposal for {product}."),
    "negotiation": (Channel.CALL, None, "Went through contract terms with {name}."),
}
FIRST_TOUCH = (Channel.EMAIL, None, "{name} got in touch about {product} after a referral.")
WHY_TOUCH = "Talked with {name} about {echo}; they repeated it is still the priority."
WHY_FIRST = "{name} explained what is behind it: {echo}."

# The follow-up sequence to a quiet prospect: different angles, never the same twice.
CADENCE: tuple[tuple[Channel, TouchKind | None, str], ...] = (
    (Channel.EMAIL, None, "Asked {name} whether the proposal arrived and what they would change."),
    (Channel.VOICEMAIL, None, "Left {name} a voicemail: how is it going getting finance on board?"),
    (Channel.EMAIL, None, "Asked {name} how they are getting on with the problem itself."),
    (Channel.CALL, None, "Called via {name}'s assistant to book fifteen minutes next week."),
    (Channel.MESSAGE, None, "Sent {name} a short estimate of what another quarter of delay costs."),
    (Channel.EMAIL, None, "Sent {name} a benchmark from their industry they might find useful."),
    (Channel.EMAIL, None, "Asked {name} plainly: do nothing, do it in-house, or someone else?"),
)
FINAL_CALL = (
    "Final note to {name}: assuming they solved it another way; will check back in "
    "about three months and keep sending useful things meanwhile."
)

# The "more of everything" loop: requests and concessions with no stage change.
LOOP: tuple[tuple[str, TouchKind, Channel, str], ...] = (
    ("inbound", TouchKind.INFO_REQUEST, Channel.EMAIL,
     "{name} asked for another case study, this time from their sector."),
    ("inbound", TouchKind.MEETING_REQUEST, Channel.EMAIL,
     "{name} wants one more demo, for the night-shift team."),
    ("outbound", TouchKind.DISCOUNT, Channel.EMAIL,
     "Offered {name} 10% off if they sign this quarter."),
    ("inbound", TouchKind.INFO_REQUEST, Channel.CALL,
     "{name} asked for a detailed security questionnaire."),
    ("outbound", TouchKind.SCOPE_ADDED, Channel.EMAIL,
     "Added the reporting module to the offer at no charge for {name}."),
    ("inbound", TouchKind.MEETING_REQUEST, Channel.CALL,
     "{name} asked for another meeting to compare options again."),
    ("inbound", TouchKind.DISCOUNT, Channel.EMAIL,
     "{name} says the price is too high and asked for a better number."),
    ("outbound", TouchKind.SCOPE_ADDED, Channel.MEETING,
     "Agreed to include two extra integrations for {name}."),
)  # fmt: skip

MISALIGNED_NOTES = (
    "{name}: doing nothing is not an option, but the priority is cutting cost, not speed.",
    "{name} agrees doing nothing is not an option, yet thinks the real issue is staffing.",
    "Call with {name}: staying as we are is not an option, but each team wants something else.",
)

COMMITMENT_ASK = (
    "Asked {name} by phone to commit to exploring this together: meet everyone "
    "involved on both sides and build a joint plan, with no obligation to buy."
)
COMMITMENT_DECLINED = (
    "{name}: still thinking about it; not ready to commit to sessions with everyone yet.",
    "{name} needs more time before bringing the others in; still thinking about it.",
    "{name}: not ready to commit; has to check with the boss first.",
)
COMMITMENT_GIVEN = (
    "{name}: yes, let's set up the sessions and bring in finance and procurement.",
    "{name} agreed to the joint plan and will introduce the approvers next week.",
)
BUYING_MEETING = "Meeting with {name} to agree the evaluation criteria and who signs off."

# Evidence of resistance, by scenario.
RESISTANCE: dict[str, str] = {
    "purchaser": "{name} in procurement pushed back on the terms and wants three more quotes.",
    "end_user": "{name} says the team does not want another tool and will keep the spreadsheets.",
    "problem_owner": "{name}, who owns the problem, insists it is under control and sees no need.",
    "decision_maker": "{name} is not convinced and says it is not a priority this year.",
    "outsider": "Their adviser {name} recommends waiting and prefers a vendor they work with.",
    "insider": "{name}, not on the project but listened to by leadership, is lobbying against it.",
    "faction": "{name} and the other store managers do not want the change and resist together.",
}  # fmt: skip
FACTIONS = ("store managers", "night shift", "regional managers")

LOST_REASONS = (
    "Went with a competitor on price.",
    "Chose to build it in-house.",
    "Project cancelled after a budget freeze.",
    "Our champion left the company.",
    "No decision; the status quo won.",
    "Could not meet their integration requirements.",
)
NURTURE_REASONS = (
    "Not now: reorganisation this year, revisit after it.",
    "Not now: budget comes back next financial year.",
    "Not now: they are mid-merger.",
)
WON_TOUCH = "{name} sent the signed order form."
LOST_TOUCH = "{name} let us know they will not go ahead."
