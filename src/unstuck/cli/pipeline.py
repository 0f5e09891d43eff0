"""Commands that read and change the pipeline: deals, deal, add-deal, log, ... close."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from unstuck.cli.common import (
    AsOfOption,
    DbOption,
    JsonOption,
    OwnerOption,
    console,
    day_from,
    days,
    money,
    now_from,
    open_app,
    print_json,
    print_table,
    user_errors,
    when_from,
)
from unstuck.document import deal_to_dict
from unstuck.domain import (
    AccountType,
    Answer,
    Authority,
    Channel,
    Deal,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Stance,
    Status,
    TouchKind,
)
from unstuck.domain import Touch as TouchRecord
from unstuck.errors import ConflictError, UsageError
from unstuck.service import Unstuck
from unstuck.store import DealRow

SORTS = ("id", "value", "silence", "stage-age", "stage", "owner", "close")


def row_dict(row: DealRow, now: datetime) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "account": row.account,
        "owner": row.owner,
        "stage": row.stage,
        "status": row.status.value,
        "value": row.value,
        "currency": row.currency,
        "expected_close": row.expected_close.isoformat() if row.expected_close else None,
        "days_since_reply": days(now, row.last_inbound_at),
        "days_silent": days(now, row.silent_since),
        "unanswered": row.outbound_since_inbound,
        "days_in_stage": days(now, row.stage_entered_at),
        "close_date_pushes": row.close_date_pushes,
        "people": row.stakeholder_count,
        "touches": row.touch_count,
        "has_why": row.has_why,
    }


def sort_rows(rows: list[DealRow], sort: str, stage_order: list[str]) -> list[DealRow]:
    keys: dict[str, Any] = {
        "id": lambda r: r.id,
        "value": lambda r: -(r.value or 0),
        "silence": lambda r: r.silent_since,
        "stage-age": lambda r: r.stage_entered_at,
        "stage": lambda r: (stage_order.index(r.stage) if r.stage in stage_order else 99, r.id),
        "owner": lambda r: (r.owner or "", r.id),
        "close": lambda r: (r.expected_close is None, r.expected_close or datetime.min.date()),
    }
    return sorted(rows, key=keys[sort])


def short_owner(owner: str | None) -> str:
    """The part of an e-mail address before the @: enough to tell a team apart."""
    return owner.split("@", 1)[0] if owner else "—"


def deal_chances(app_: Unstuck, ids: list[str], now: datetime) -> dict[str, float]:
    """Win chance of each open deal: the trained model (which needs each deal whole),
    or stage win rates (which need only the stage), as `unstuck score show` explains."""
    from unstuck.scoring.service import choose_model

    if not ids:
        return {}
    model: Any = choose_model(app_, now).model
    batch = hasattr(model, "chances")
    with app_.store.read() as tx:
        deals = tx.deals(ids=ids) if batch else tx.deals(ids=ids, full=False)
    found = model.chances(deals, now) if batch else [model.chance(d, now) for d in deals]
    return {deal.id: round(chance.p, 3) for deal, chance in zip(deals, found, strict=True)}


def deals_table(
    rows: list[DealRow],
    now: datetime,
    title: str,
    width: int = 200,
    chances: dict[str, float] | None = None,
) -> Table:
    """The overview. Under 110 columns the account, unanswered and close columns drop out."""
    wide = width >= 110
    table = Table(
        title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("Deal", no_wrap=True, overflow="ellipsis", max_width=28)
    if wide:
        table.add_column("Account", no_wrap=True, overflow="ellipsis", max_width=20)
    table.add_column("Stage", no_wrap=True, min_width=11)
    table.add_column("Value", justify="right", no_wrap=True, min_width=8)
    if chances:
        table.add_column("Chance", justify="right", no_wrap=True)
    table.add_column("Owner", no_wrap=True, overflow="ellipsis", max_width=12, min_width=6)
    table.add_column("Reply", justify="right", no_wrap=True, min_width=5)
    if wide:
        table.add_column("Unans.", justify="right", no_wrap=True)
    table.add_column("In stage", justify="right", no_wrap=True, min_width=8)
    if wide:
        table.add_column("Close", no_wrap=True, min_width=10)
    currencies = {r.currency for r in rows if r.currency}
    for r in rows:
        reply = days(now, r.last_inbound_at)
        reply_text = f"{reply} d" if reply is not None else "never"
        if (reply is not None and reply >= 28) or (reply is None and r.outbound_since_inbound):
            reply_text = f"[red]{reply_text}[/]"
        close = r.expected_close.isoformat() if r.expected_close else "—"
        if r.expected_close and r.expected_close < now.date() and r.status is Status.OPEN:
            close = f"[red]{close}[/]"
        stage = r.stage if r.status is Status.OPEN else f"{r.stage} ({r.status})"
        value = money(r.value, r.currency if len(currencies) > 1 else None)
        cells = [r.id, *([r.account or "—"] if wide else []), stage, value]
        if chances:
            chance = chances.get(r.id)
            cells.append(f"{chance:.0%}" if chance is not None else "—")
        cells.append(short_owner(r.owner))
        cells.append(reply_text)
        if wide:
            cells.append(str(r.outbound_since_inbound))
        cells.append(f"{days(now, r.stage_entered_at)} d")
        if wide:
            cells.append(close)
        table.add_row(*cells)
    return table


def register(app: typer.Typer) -> None:
    @app.command("deals")
    def deals_cmd(
        db: DbOption = None,
        owner: OwnerOption = None,
        stage: Annotated[str | None, typer.Option(help="Only deals in this stage.")] = None,
        status: Annotated[str, typer.Option(help="open, won, lost, nurture or all.")] = "open",
        sort: Annotated[
            str, typer.Option(help="id, value, silence, stage-age, stage, owner or close.")
        ] = "stage",
        limit: Annotated[
            int | None,
            typer.Option(min=1, help="Show only the first N after sorting (all are counted)."),
        ] = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """List deals: stage, value, owner, days since the last reply, days in stage."""
        with user_errors():
            if sort not in SORTS:
                raise UsageError(f"--sort {sort!r}: use one of {', '.join(SORTS)}")
            statuses = _statuses(status)
            app_ = open_app(db)
            now = now_from(as_of, app_.tz)
            with app_.store.read() as tx:
                rows = tx.deal_rows(status=statuses, owner=owner, stage=stage)
            order = app_.stage_order(sorted({r.stage for r in rows}))
            rows = sort_rows(rows, sort, order)
            shown = rows[:limit] if limit is not None else rows
            # Chances only for the deals shown: a trained model reads each one whole.
            chances = deal_chances(app_, [r.id for r in shown if r.status is Status.OPEN], now)
            if json:
                print_json([row_dict(r, now) | {"chance": chances.get(r.id)} for r in shown])
                return
            if not rows:
                console.print("No deals match." + (f" Owner {owner!r} has none." if owner else ""))
                return
            total = sum(r.value or 0 for r in rows)
            title = f"{len(rows)} {status} deals, {money(total)} in all, as of {now:%Y-%m-%d}"
            if len(shown) < len(rows):
                title += f"; the first {len(shown)} by {sort}"
            print_table(deals_table(shown, now, title, console.width, chances))

    @app.command("deal")
    def deal_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL", help="The deal's id.")],
        db: DbOption = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """Everything about one deal: people, answers, history and touches."""
        with user_errors():
            app_ = open_app(db)
            now = now_from(as_of, app_.tz)
            deal = app_.deal(deal_id)
            if json:
                print_json(deal_to_dict(deal, app_.tz))
                return
            show_deal(deal, now)

    @app.command("add-deal")
    def add_deal_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL", help="A new, unique id.")],
        name: Annotated[str | None, typer.Option(help="Deal name (default: the id).")] = None,
        stage: Annotated[
            str | None, typer.Option(help="Stage (default: the first configured stage).")
        ] = None,
        account: Annotated[str | None, typer.Option(help="The customer's company.")] = None,
        account_type: Annotated[str | None, typer.Option(help="long_term or one_off.")] = None,
        owner: Annotated[str | None, typer.Option(help="Who owns the deal.")] = None,
        value: Annotated[float | None, typer.Option(min=0, help="Deal value.")] = None,
        currency: Annotated[str | None, typer.Option(help="Currency code, e.g. EUR.")] = None,
        expected_close: Annotated[str | None, typer.Option(help="Expected close date.")] = None,
        why: Annotated[
            str | None, typer.Option(help="Why the customer is looking, in their words.")
        ] = None,
        created: Annotated[
            str | None, typer.Option(help="When the deal was created (default: now).")
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Create a deal."""
        with user_errors():
            app_ = open_app(db)
            now = now_from(None, app_.tz)
            at = when_from("--created", created, app_.tz, now)
            first = stage or app_.stage_order()[0]
            deal = Deal(
                id=deal_id,
                name=name or deal_id,
                stage=first,
                created=at,
                account=account,
                account_type=_enum(AccountType, account_type, "--account-type"),
                owner=owner,
                value=value,
                currency=currency,
                why=why,
                expected_close=day_from("--expected-close", expected_close),
                stage_history=(StageChange(first, at),),
            )
            with app_.store.write() as tx:
                if tx.has_deal(deal_id):
                    raise ConflictError(f"a deal with id {deal_id!r} exists; pick another id")
                tx.add_deal(deal, now)
            console.print(f"Created deal {deal_id} in stage {first}.")

    @app.command("log")
    def log_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL")],
        direction: Annotated[
            str, typer.Option(help="inbound (from the prospect) or outbound (from you).")
        ],
        channel: Annotated[
            str, typer.Option(help="call, voicemail, email, meeting, visit, message or other.")
        ],
        summary: Annotated[str, typer.Option(help="What was said, in a sentence or two.")] = "",
        with_: Annotated[
            list[str] | None, typer.Option("--with", help="Stakeholder id (repeat for several).")
        ] = None,
        kind: Annotated[
            str | None,
            typer.Option(help="What it was: " + ", ".join(TouchKind) + "."),
        ] = None,
        at: Annotated[str | None, typer.Option(help="When it happened (default: now).")] = None,
        db: DbOption = None,
    ) -> None:
        """Log a touch: a call, email, meeting or message with the prospect."""
        with user_errors():
            app_ = open_app(db)
            moment = when_from("--at", at, app_.tz, now_from(None, app_.tz))
            touch = TouchRecord(
                at=moment,
                direction=_enum(Direction, direction, "--direction") or Direction.OUTBOUND,
                channel=_enum(Channel, channel, "--channel") or Channel.OTHER,
                with_=tuple(with_ or ()),
                kind=_enum(TouchKind, kind, "--kind"),
                summary=summary,
            )
            with app_.store.write() as tx:
                deal = tx.deal(deal_id)
                for person in touch.with_:
                    if deal.stakeholder(person) is None:
                        known = ", ".join(s.id for s in deal.stakeholders) or "none yet"
                        raise UsageError(
                            f"--with {person!r}: no such stakeholder on {deal_id} "
                            f"(known: {known}). Add them with "
                            f"`unstuck stakeholder {deal_id} {person} --name ...`."
                        )
                tx.log_touch(deal_id, touch)
            console.print(
                f"Logged {touch.direction} {touch.channel} on {deal_id} at {moment:%Y-%m-%d %H:%M}."
            )

    @app.command("stakeholder")
    def stakeholder_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL")],
        person_id: Annotated[str, typer.Argument(metavar="PERSON", help="Short id, e.g. joe.")],
        name: Annotated[str | None, typer.Option(help="Full name.")] = None,
        email: Annotated[str | None, typer.Option()] = None,
        title: Annotated[str | None, typer.Option(help="Job title.")] = None,
        role: Annotated[
            list[str] | None,
            typer.Option(
                "--role",
                help="Buying role (repeat): " + ", ".join(Role) + ".",
            ),
        ] = None,
        stance: Annotated[
            str | None, typer.Option(help="supportive, neutral, resistant or unknown.")
        ] = None,
        authority: Annotated[str | None, typer.Option(help="low, medium, high or unknown.")] = None,
        faction: Annotated[
            str | None, typer.Option(help="Group they belong to at the prospect.")
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Add a person to a deal, or update their roles, stance, authority or faction."""
        with user_errors():
            app_ = open_app(db)
            with app_.store.write() as tx:
                old = tx.deal(deal_id).stakeholder(person_id)
                base = old or Stakeholder(person_id, name or person_id)
                roles = (
                    base.roles
                    if role is None
                    else tuple(
                        dict.fromkeys(_enum(Role, r, "--role") or Role.INSIDER for r in role)
                    )
                )
                person = Stakeholder(
                    id=person_id,
                    name=name or base.name,
                    email=email or base.email,
                    title=title or base.title,
                    roles=roles,
                    stance=_enum(Stance, stance, "--stance") or base.stance,
                    authority=_enum(Authority, authority, "--authority") or base.authority,
                    faction=faction if faction is not None else base.faction,
                )
                tx.upsert_stakeholder(deal_id, person)
            console.print(f"{'Updated' if old else 'Added'} {person.name} on {deal_id}.")

    @app.command("answer")
    def answer_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL")],
        question: Annotated[str, typer.Argument(help="Question id of the framework, e.g. budget.")],
        text: Annotated[str, typer.Argument(metavar="ANSWER", help="The answer, in their words.")],
        stakeholder: Annotated[str | None, typer.Option(help="Who gave this answer.")] = None,
        at: Annotated[str | None, typer.Option(help="When (default: now).")] = None,
        db: DbOption = None,
    ) -> None:
        """Record a stakeholder's answer to a qualification question."""
        with user_errors():
            app_ = open_app(db)
            moment = when_from("--at", at, app_.tz, now_from(None, app_.tz))
            with app_.store.write() as tx:
                deal = tx.deal(deal_id)
                if stakeholder and deal.stakeholder(stakeholder) is None:
                    raise UsageError(f"--stakeholder {stakeholder!r}: no such person on {deal_id}")
                tx.add_answer(deal_id, Answer(question, text, moment, stakeholder))
            console.print(f"Recorded the answer to {question!r} on {deal_id}.")

    @app.command("why")
    def why_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL")],
        text: Annotated[
            str,
            typer.Argument(
                metavar="WHY",
                help="Why they came looking: goal, problem, motivation, in their words.",
            ),
        ],
        db: DbOption = None,
    ) -> None:
        """Record the customer's why."""
        with user_errors():
            app_ = open_app(db)
            with app_.store.write() as tx:
                tx.update_deal(deal_id, now_from(None, app_.tz), why=text.strip() or None)
            console.print(f"Recorded the why on {deal_id}.")

    @app.command("stage")
    def stage_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL")],
        stage: Annotated[str, typer.Argument(help="The new stage.")],
        at: Annotated[str | None, typer.Option(help="When it moved (default: now).")] = None,
        db: DbOption = None,
    ) -> None:
        """Move a deal to another stage (kept in its stage history)."""
        with user_errors():
            app_ = open_app(db)
            now = now_from(None, app_.tz)
            moment = when_from("--at", at, app_.tz, now)
            with app_.store.write() as tx:
                deal = tx.deal(deal_id)
                if not deal.is_open:
                    raise ConflictError(f"{deal_id} is {deal.status}; reopen it before moving it")
                if deal.stage == stage:
                    raise ConflictError(f"{deal_id} is already in {stage}")
                tx.move_stage(deal_id, stage, moment, now)
            console.print(f"Moved {deal_id} from {deal.stage} to {stage}.")

    @app.command("close-date")
    def close_date_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL")],
        day: Annotated[str, typer.Argument(metavar="DATE", help="The new expected close date.")],
        db: DbOption = None,
    ) -> None:
        """Set the expected close date (every change is kept, so pushes can be counted)."""
        with user_errors():
            app_ = open_app(db)
            now = now_from(None, app_.tz)
            new = day_from("DATE", day)
            assert new is not None
            with app_.store.write() as tx:
                tx.set_expected_close(deal_id, new, now, now)
            console.print(f"Expected close of {deal_id} is now {new}.")

    @app.command("close")
    def close_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL")],
        won: Annotated[bool, typer.Option("--won", help="They bought.")] = False,
        lost: Annotated[
            bool, typer.Option("--lost", help="It is not coming (give --reason).")
        ] = False,
        nurture: Annotated[
            bool, typer.Option("--nurture", help="Not now: park it until --revisit-on.")
        ] = False,
        reopen: Annotated[bool, typer.Option("--reopen", help="Open a closed deal again.")] = False,
        reason: Annotated[str | None, typer.Option(help="Why it was lost or parked.")] = None,
        revisit_on: Annotated[
            str | None, typer.Option(help="When to check back on a parked deal.")
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Close a deal as won, lost (with a reason) or nurture (with a revisit date)."""
        with user_errors():
            chosen = [
                name
                for name, flag in [
                    ("won", won),
                    ("lost", lost),
                    ("nurture", nurture),
                    ("open", reopen),
                ]
                if flag
            ]
            if len(chosen) != 1:
                raise UsageError("give exactly one of --won, --lost, --nurture or --reopen")
            status = Status(chosen[0])
            if status is Status.LOST and not reason:
                raise UsageError("--lost needs --reason (what you learned helps the next deal)")
            revisit = day_from("--revisit-on", revisit_on)
            if status is Status.NURTURE and revisit is None:
                raise UsageError("--nurture needs --revisit-on DATE (when to check back)")
            app_ = open_app(db)
            app_.close_deal(deal_id, status, now_from(None, app_.tz), reason, revisit)
            console.print(f"{deal_id} is now {status}.")


def _statuses(status: str) -> tuple[Status, ...] | None:
    if status == "all":
        return None
    try:
        return tuple(Status(part.strip()) for part in status.split(","))
    except ValueError:
        raise UsageError(
            f"--status {status!r}: use open, won, lost, nurture, all, or a comma list"
        ) from None


def _enum(cls: Any, value: str | None, option: str) -> Any:
    if value is None:
        return None
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(member.value for member in cls)
        raise UsageError(f"{option} {value!r}: use one of {allowed}") from None


def show_deal(deal: Deal, now: datetime) -> None:
    from rich.panel import Panel

    head = [
        f"[bold]{deal.name}[/]  ({deal.id})",
        f"{deal.account or 'no account'}"
        + (f" · {deal.account_type.value.replace('_', '-')}" if deal.account_type else ""),
        f"Stage [bold]{deal.stage}[/] since {deal.stage_entered_at():%Y-%m-%d}"
        f" ({days(now, deal.stage_entered_at())} d) · status {deal.status.value}"
        f" · owner {deal.owner or '—'}",
        f"Value {money(deal.value, deal.currency)} · expected close {deal.expected_close or '—'}",
        f"Why: {deal.why}"
        if deal.why
        else "[yellow]Why: not recorded — ask why they came looking[/]",
    ]
    if deal.lost_reason:
        head.append(f"Reason: {deal.lost_reason}")
    if deal.revisit_on:
        head.append(f"Revisit on {deal.revisit_on}")
    console.print(Panel("\n".join(head), expand=False))
    people = Table(title="People", title_justify="left", header_style="bold")
    for col in ("Id", "Name", "Title", "Roles", "Stance", "Authority", "Faction"):
        people.add_column(col)
    for s in deal.stakeholders:
        stance = f"[red]{s.stance}[/]" if s.stance is Stance.RESISTANT else str(s.stance)
        people.add_row(
            s.id,
            s.name,
            s.title or "",
            ", ".join(s.roles),
            stance,
            str(s.authority),
            s.faction or "",
        )
    console.print(people if deal.stakeholders else "[yellow]No people recorded yet.[/]")
    if deal.answers:
        answers = Table(title="Qualification answers", title_justify="left", header_style="bold")
        for col in ("Question", "Who", "Answer", "When"):
            answers.add_column(col)
        for a in deal.answers:
            answers.add_row(a.question, a.stakeholder or "—", a.answer, f"{a.at:%Y-%m-%d}")
        console.print(answers)
    touches = Table(title="Touches", title_justify="left", header_style="bold")
    for col in ("When", "Dir", "Channel", "Kind", "With", "Summary"):
        touches.add_column(col)
    for x in deal.touches:
        arrow = "[green]← in[/]" if x.inbound else "→ out"
        touches.add_row(
            f"{x.at:%Y-%m-%d %H:%M}",
            arrow,
            x.channel.value,
            x.kind.value if x.kind else "",
            ", ".join(x.with_),
            x.summary,
        )
    console.print(touches if deal.touches else "No touches logged yet.")
