"""``unstuck serve`` and the web app's accounts: ``user ...`` and ``token ...``."""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime
from types import ModuleType
from typing import Annotated

import typer
from rich.table import Table

from unstuck.cli.common import DbOption, JsonOption, console, open_app, print_json, user_errors
from unstuck.errors import UsageError
from unstuck.store import users as store_users
from unstuck.store.users import UserRole

user_app = typer.Typer(help="Accounts of the web app in team mode.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)

MIN_PASSWORD = 10


def _security() -> ModuleType:
    try:
        from unstuck.web import security
    except ImportError as exc:  # argon2 comes with the web extra
        raise UsageError(
            f"the web app needs the web extra ({exc.name} is missing): pip install 'unstuck[web]'"
        ) from None
    return security


def _password(given: str | None) -> str:
    password = given if given is not None else os.environ.get("UNSTUCK_PASSWORD")
    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            raise UsageError("the two passwords differ; run the command again")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    return password


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="Their e-mail: the owner value of their deals.")],
    role: Annotated[str, typer.Option(help="rep, manager or admin.")] = "rep",
    name: Annotated[str, typer.Option(help="Their name as shown in the app.")] = "",
    password: Annotated[
        str | None,
        typer.Option(help="Password (default: UNSTUCK_PASSWORD, or asked for)."),
    ] = None,
    password_reset: Annotated[
        bool, typer.Option("--password-reset", help="Set a new password for an existing user.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a user (or, with --password-reset, give an existing one a new password)."""
    with user_errors():
        security = _security()
        kind = _role(role)
        if "@" not in email:
            raise UsageError(f"{email!r} is not an e-mail address; use the one their deals carry")
        secret = _password(password)
        app_ = open_app(db)
        with app_.store.write() as tx:
            if password_reset:
                store_users.set_password(tx.conn, email, security.hash_password(secret))
                console.print(f"New password set for {email}; their sessions were ended.")
                return
            store_users.add_user(
                tx.conn,
                email,
                name,
                kind,
                security.hash_password(secret),
                security.new_token(),
                _now(),
            )
        console.print(f"Added {email} as {kind}.")


def _role(role: str) -> UserRole:
    try:
        return UserRole(role)
    except ValueError:
        raise UsageError(f"--role {role!r}: use rep, manager or admin") from None


@user_app.command("list")
def user_list(db: DbOption = None, json: JsonOption = False) -> None:
    """List the users with their roles."""
    with user_errors():
        app_ = open_app(db)
        with app_.store.read() as tx:
            found = store_users.users(tx.conn)
        if json:
            print_json([u.to_dict() for u in found])
            return
        if not found:
            console.print("No users yet. Add one with `unstuck user add EMAIL --role admin`.")
            return
        table = Table(header_style="bold")
        for col in ("E-mail", "Name", "Role"):
            table.add_column(col)
        for u in found:
            table.add_row(u.email, u.name, u.role.value)
        console.print(table)


@user_app.command("set-role")
def user_set_role(
    email: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Argument(help="rep, manager or admin.")],
    db: DbOption = None,
) -> None:
    """Change a user's role."""
    with user_errors():
        kind = _role(role)
        app_ = open_app(db)
        with app_.store.write() as tx:
            store_users.set_role(tx.conn, email, kind)
        console.print(f"{email} is now {kind}.")


@user_app.command("remove")
def user_remove(email: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Remove a user, their sessions and tokens (their deals stay)."""
    with user_errors():
        app_ = open_app(db)
        with app_.store.write() as tx:
            store_users.remove_user(tx.conn, email)
        console.print(f"Removed {email}.")


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. crm-sync.")] = "script",
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Create an API token; it is shown once (send it as `Authorization: Bearer TOKEN`)."""
    with user_errors():
        security = _security()
        token = security.new_token(security.TOKEN_PREFIX)
        app_ = open_app(db)
        with app_.store.write() as tx:
            store_users.create_token(tx.conn, security.token_hash(token), email, name, _now())
        if json:
            print_json({"email": email, "name": name, "token": token})
            return
        console.print(f"Token {name!r} for {email} (shown only now, keep it secret):")
        console.print(token, highlight=False, soft_wrap=True)


@token_app.command("list")
def token_list(
    email: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List API tokens (names and last use; the tokens themselves are not stored)."""
    with user_errors():
        app_ = open_app(db)
        with app_.store.read() as tx:
            found = store_users.tokens(tx.conn, email)
        rows = [
            {
                "email": t.user_email,
                "name": t.name,
                "created": t.created_at.isoformat(timespec="seconds"),
                "last_used": t.last_used_at.isoformat(timespec="seconds")
                if t.last_used_at
                else None,
            }
            for t in found
        ]
        if json:
            print_json(rows)
            return
        for row in rows:
            console.print(
                f"{row['email']}  {row['name']}  created {row['created']}  "
                f"last used {row['last_used'] or 'never'}"
            )
        if not rows:
            console.print("No tokens.")


@token_app.command("revoke")
def token_revoke(
    email: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option(help="The token's name.")] = "script",
    db: DbOption = None,
) -> None:
    """Revoke an API token: scripts using it get 401 from now on."""
    with user_errors():
        app_ = open_app(db)
        with app_.store.write() as tx:
            store_users.revoke_token(tx.conn, email, name)
        console.print(f"Revoked token {name!r} of {email}.")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")

    @app.command("serve")
    def serve_cmd(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
        auth: Annotated[
            bool, typer.Option("--auth", help="Team mode (accounts) even on 127.0.0.1.")
        ] = False,
        workers: Annotated[
            int, typer.Option(min=1, help="Worker processes (team mode on PostgreSQL).")
        ] = 1,
        db: DbOption = None,
    ) -> None:
        """Serve the web app and JSON API: local mode on 127.0.0.1, team mode elsewhere."""
        with user_errors():
            serve(host, port, auth, workers, db)


def serve(host: str, port: int, auth: bool, workers: int, db: str | None) -> None:
    try:
        import uvicorn

        from unstuck.web.app import auth_mode_for, create_app
    except ImportError as exc:
        raise UsageError(
            f"the web app needs the web extra ({exc.name} is missing): pip install 'unstuck[web]'"
        ) from None
    from unstuck.cli.common import config

    cfg = config()
    mode = auth_mode_for(host, auth)
    app_ = open_app(db, cfg)
    # Built here so a missing secret key or bad database stops the command before binding.
    web = create_app(cfg, app_.store, auth_mode=mode, secret_key=cfg.str_("web.secret_key"))
    if mode == "team":
        with app_.store.read() as tx:
            if store_users.count_users(tx.conn) == 0:
                console.print(
                    "[yellow]No users yet: add one with `unstuck user add EMAIL --role admin`.[/]"
                )
    where = f"http://{host}:{port}/"
    console.print(f"Unstuck on {where} ({mode} mode, {app_.store.description}). Ctrl+C stops.")
    if workers > 1:
        os.environ["UNSTUCK_SERVE_MODE"] = mode
        if db:
            os.environ["UNSTUCK_DB"] = db
        uvicorn.run(
            "unstuck.web.asgi:app", host=host, port=port, workers=workers, log_level="warning"
        )
        return
    uvicorn.run(web, host=host, port=port, log_level="warning")


__all__ = ["register", "serve"]
