from __future__ import annotations

from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.projects.models import Project


def test_user_create_reads_password_from_stdin(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "chen", "--role", "secretary", "--role", "team-leader",
                                 "--password-stdin"], input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.username == "chen"))
    assert user.roles == {"secretary", "team-leader"}
    assert user.check_password("a long enough secret")


def test_user_create_refuses_unknown_role_and_short_password(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["user", "create", "x", "--role", "boss", "--password-stdin"], input="long enough pw\n").exit_code != 0
    result = runner.invoke(args=["user", "create", "x", "--role", "viewer", "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "8 characters" in result.output


def test_demo_load_is_idempotent(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "demo data loaded" in first.output
    counted = session.scalar(select(func.count(Project.id)))
    second = runner.invoke(args=["demo", "load"])
    assert "already present" in second.output
    assert session.scalar(select(func.count(Project.id))) == counted
    assert session.scalar(select(func.count(User.id)).where(User.username.in_(["admin", "secretary", "leader", "viewer"]))) == 4
