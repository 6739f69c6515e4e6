"""Commands of the users stage: ``users add|list|token|disable|enable|role``.

Whoever can run these has the database, so the command line itself needs no token; the
tokens it prints are what people and scripts present to the HTTP API and the web app.
"""

from __future__ import annotations

import typer

from sanctionwatch.clikit import (
    Column,
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    open_database,
    print_records,
)
from sanctionwatch.users.accounts import (
    User,
    UserError,
    add_user,
    list_users,
    rotate_token,
    set_disabled,
    set_role,
)
from sanctionwatch.users.tables import ROLES

users_app = typer.Typer(
    name="users",
    help="People and scripts allowed to use the API and web app, with roles and tokens.\n\n"
    "Example:\n\n    sanctionwatch users add alice --role analyst",
    no_args_is_help=True,
)
RoleOption = typer.Option(..., "--role", help=f"One of {', '.join(ROLES)}.")


def register(app: typer.Typer) -> None:
    """Mount ``users`` on ``app``."""
    app.add_typer(users_app)


def _show_token(user: User, token: str, verb: str) -> None:
    err_console.print(
        f"{verb} {user.name} ({user.role}); the token is shown once, store it now:",
        highlight=False,
    )
    typer.echo(token)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="User name (letters, digits, . _ @ -)."),
    role: str = RoleOption,
    db: str | None = DbOption,
) -> None:
    """Add a user and print its new API token once (only its hash is stored).

    viewer reads; analyst also reviews alerts and flags, records judgments and uploads;
    admin also manages sources, list updates and users.

    Example:

        sanctionwatch users add alice --role analyst
    """
    database = open_database(db)
    try:
        with database.session() as session:
            user, token = add_user(session, name, role)
    except UserError as error:
        fail(str(error), "see `sanctionwatch users list`")
    _show_token(user, token, "added")


@users_app.command("list")
def users_list(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """List users with their role, token prefix and whether they are disabled.

    Example:

        sanctionwatch users list --json
    """
    database = open_database(db)
    with database.session() as session:
        users = list_users(session)
    columns: list[Column] = [
        "name",
        "role",
        ("token", lambda u: f"{u['token_prefix']}…"),
        ("status", lambda u: "disabled" if u["disabled"] else "active"),
        ("token since", lambda u: u["token_rotated_at"][:16].replace("T", " ")),
    ]
    print_records("Users", [user.to_dict() for user in users], columns, as_json)


@users_app.command("token")
def users_token(
    name: str = typer.Argument(..., help="User name."), db: str | None = DbOption
) -> None:
    """Give a user a new token (printed once); the old token and its web sessions stop.

    Example:

        sanctionwatch users token alice
    """
    database = open_database(db)
    try:
        with database.session() as session:
            user, token = rotate_token(session, name)
    except UserError as error:
        fail(str(error))
    _show_token(user, token, "new token for")


@users_app.command("disable")
def users_disable(
    name: str = typer.Argument(..., help="User name."), db: str | None = DbOption
) -> None:
    """Refuse a user's token and end their web sessions (decisions they made stay).

    Example:

        sanctionwatch users disable alice
    """
    _set_disabled(name, True, db)


@users_app.command("enable")
def users_enable(
    name: str = typer.Argument(..., help="User name."), db: str | None = DbOption
) -> None:
    """Accept a disabled user's token again.

    Example:

        sanctionwatch users enable alice
    """
    _set_disabled(name, False, db)


def _set_disabled(name: str, disabled: bool, db: str | None) -> None:
    database = open_database(db)
    try:
        with database.session() as session:
            user = set_disabled(session, name, disabled)
    except UserError as error:
        fail(str(error), "see `sanctionwatch users list`")
    console.print(f"{user.name} is {'disabled' if user.disabled else 'enabled'}")


@users_app.command("role")
def users_role(
    name: str = typer.Argument(..., help="User name."),
    role: str = RoleOption,
    db: str | None = DbOption,
) -> None:
    """Change a user's role (takes effect within seconds on a running server).

    Example:

        sanctionwatch users role alice --role admin
    """
    database = open_database(db)
    try:
        with database.session() as session:
            user = set_role(session, name, role)
    except UserError as error:
        fail(str(error))
    console.print(f"{user.name} is now {user.role}")
