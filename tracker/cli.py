"""Command-line tools: `flask --app wsgi user create …` and `flask --app wsgi demo load`."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from tracker import vocab
from tracker.auth import passwords
from tracker.auth.models import User
from tracker.demo import SIGN_INS, load
from tracker.extensions import db

user_cli = AppGroup("user", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data.")

ROLE_CHOICE = click.Choice(sorted(vocab.ROLES))


@user_cli.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", "display_name", default="", help="Display name.")
def create_user(username: str, roles: tuple[str, ...], password_stdin: bool, display_name: str):
    """Create a user with one or more roles."""
    if not password_stdin:
        raise click.UsageError("give the password on standard input with --password-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    if problem := passwords.problem(password, username, display_name):
        raise click.ClickException(problem)
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(f"user {username!r} exists already")
    user = User(username=username, display_name=display_name)
    user.roles = roles
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created user {username} with roles {', '.join(sorted(roles))}")


@demo_cli.command("load")
def load_demo():
    """Load the demo data set, unless the database already holds it."""
    created = load()
    click.echo("demo data loaded." if created else "demo data already present; nothing changed.")
    click.echo("Demo sign-ins:")
    for username, password, roles, _name, _person in SIGN_INS:
        click.echo(f"  {username:10} password {password:22} ({', '.join(roles)})")
