"""Team mode: logging in, sessions, CSRF, tokens, rate limits, and the CLI for accounts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner
from web_world import PASSWORD, SAM, TestClient, api_token, login, make_client

from unstuck.cli import app as cli
from unstuck.config import default_config
from unstuck.errors import ConfigError
from unstuck.store import Store
from unstuck.web.app import auth_mode_for, create_app

Team = Callable[[str | None], tuple[TestClient, str]]


@pytest.mark.parametrize(
    ("host", "auth", "mode"),
    [
        ("127.0.0.1", False, "local"),
        ("localhost", False, "local"),
        ("::1", False, "local"),
        ("127.0.0.1", True, "team"),
        ("0.0.0.0", False, "team"),
        ("192.168.1.10", False, "team"),
    ],
)
def test_any_address_others_can_reach_means_team_mode(host: str, auth: bool, mode: str) -> None:
    assert auth_mode_for(host, auth) == mode


@pytest.mark.parametrize("secret", [None, "", "short"])
def test_team_mode_refuses_to_start_without_a_real_secret_key(
    world: Store, secret: str | None
) -> None:
    with pytest.raises(ConfigError, match="secret"):
        create_app(default_config(), world, auth_mode="team", secret_key=secret)


def test_a_wrong_password_does_not_log_in(team: Team) -> None:
    client, _ = team(None)
    page = client.get("/login")
    assert page.status_code == 200 and 'type="password"' in page.text
    with pytest.raises(AssertionError):
        login(client, SAM, "not the password")
    assert client.get("/board", follow_redirects=False).status_code == 303


def test_logging_in_and_out(team: Team) -> None:
    client, csrf = team(SAM)
    assert client.get("/board").status_code == 200
    out = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/board", follow_redirects=False).status_code == 303


def test_a_tampered_session_cookie_is_not_a_session(team: Team) -> None:
    client, _ = team(SAM)
    value = client.cookies.get("unstuck_session")
    assert value
    client.cookies.set("unstuck_session", value[:-2] + ("00" if value[-2:] != "00" else "11"))
    assert client.get("/board", follow_redirects=False).status_code == 303


def test_every_form_needs_the_csrf_token(team: Team) -> None:
    client, csrf = team(SAM)
    deal = client.get("/api/v1/deals", headers={"x-csrf-token": csrf}).json()["deals"][0]["id"]
    refused = client.post(f"/deals/{deal}/why", data={"why": "forged"})
    assert refused.status_code == 403
    assert "did not come from Unstuck" in refused.text
    api = client.put(f"/api/v1/deals/{deal}/why", json={"why": "forged"})
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "csrf"
    ok = client.post(f"/deals/{deal}/why", data={"why": "real", "csrf": csrf})
    assert ok.status_code in (200, 303)


def test_logins_are_rate_limited_per_name(world: Store) -> None:
    with make_client(world, "team", web__login_attempts=3) as client:
        for _ in range(3):
            with pytest.raises(AssertionError):
                login(client, SAM, "guess")
        client.cookies.clear()
        form = client.get("/login")
        import re

        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token
        blocked = client.post(
            "/login", data={"email": SAM, "password": PASSWORD, "csrf": token.group(1)}
        )
        assert blocked.status_code == 429
        assert "too many failed logins" in blocked.text


def test_api_tokens_work_until_revoked(team: Team, world: Store) -> None:
    client, _ = team(None)
    token = api_token(world, SAM, name="crm-sync")
    headers = {"authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).json()["email"] == SAM
    runner = CliRunner()
    url = str(world.engine.url.render_as_string(hide_password=False))
    result = runner.invoke(cli, ["token", "revoke", SAM, "--name", "crm-sync", "--db", url])
    assert result.exit_code == 0, result.output
    gone = client.get("/api/v1/me", headers=headers)
    assert gone.status_code == 401
    assert gone.json()["error"]["code"] == "unauthorized"


def test_the_account_commands(world: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    url = str(world.engine.url.render_as_string(hide_password=False))
    runner = CliRunner()
    monkeypatch.setenv("UNSTUCK_PASSWORD", "a long password")

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--db", url])
        assert result.exit_code == 0, result.output
        return result.output

    assert "Added lee@example.com as manager" in run(
        "user", "add", "lee@example.com", "--role", "manager"
    )
    assert "lee@example.com" in run("user", "list")
    assert "is now rep" in run("user", "set-role", "lee@example.com", "rep")
    created = runner.invoke(cli, ["token", "create", "lee@example.com", "--json", "--db", url])
    assert '"token": "unst_' in created.output
    assert "lee@example.com" in run("token", "list")
    run("user", "remove", "lee@example.com")
    assert "lee@example.com" not in run("user", "list")
    bad = runner.invoke(cli, ["user", "add", "x@example.com", "--role", "boss", "--db", url])
    assert bad.exit_code == 2 and "rep, manager or admin" in bad.output
    monkeypatch.setenv("UNSTUCK_PASSWORD", "short")
    weak = runner.invoke(cli, ["user", "add", "y@example.com", "--db", url])
    assert weak.exit_code == 2 and "too short" in weak.output


def test_serve_refuses_team_mode_without_a_secret_key(world: Store) -> None:
    url = str(world.engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(cli, ["serve", "--auth", "--db", url])
    assert result.exit_code == 2
    assert "UNSTUCK_WEB_SECRET_KEY" in result.output
