"""createsuperuser, changepassword and users …: through click, in-process, on both databases.

The subprocess runs on a generated project are in tests/e2e/test_user_admin.py.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from framework.cli import call_command
from framework.cli.app import cli
from framework.exceptions import CommandError

from .helpers import PASSWORD, in_session, make_token, make_user

pytestmark = pytest.mark.usefixtures("auth_db")

STRONG = "plum-orchard-velvet-42"


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    runner = CliRunner()
    return runner.invoke(cli, list(args), input=input, env=env, prog_name="manage.py")


def usernames() -> list[str]:
    from framework.contrib.auth.models import User

    return [user.username for user in in_session(User.all)]


def stored(username: str):
    from framework.contrib.auth.users import find_user

    return in_session(find_user, username)


# -- createsuperuser --------------------------------------------------------------------------


def test_createsuperuser_noinput_reads_the_password_from_the_environment() -> None:
    result = invoke(
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        "--email",
        "Admin@Example.com",
        env={"FRAMEWORK_SUPERUSER_PASSWORD": STRONG},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "Superuser 'admin' created.\n"
    user = stored("admin")
    assert user.is_superuser and user.is_active
    assert user.email == "admin@example.com"
    assert user.password.startswith("$argon2id$")
    assert STRONG not in result.stdout + result.stderr


def test_createsuperuser_noinput_takes_username_and_email_from_the_environment() -> None:
    env = {
        "FRAMEWORK_SUPERUSER_PASSWORD": STRONG,
        "FRAMEWORK_SUPERUSER_USERNAME": "root",
        "FRAMEWORK_SUPERUSER_EMAIL": "root@example.com",
    }
    assert invoke("createsuperuser", "--noinput", env=env).exit_code == 0
    assert stored("root").email == "root@example.com"


def test_createsuperuser_noinput_without_the_password_variable_fails() -> None:
    result = invoke(
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        env={"FRAMEWORK_SUPERUSER_PASSWORD": ""},
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --noinput reads the password from FRAMEWORK_SUPERUSER_PASSWORD, which is not set.\n"
    )
    assert usernames() == []


def test_createsuperuser_noinput_without_a_username_fails() -> None:
    result = invoke("createsuperuser", "--noinput", env={"FRAMEWORK_SUPERUSER_PASSWORD": STRONG})
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --noinput needs a username: pass --username or set FRAMEWORK_SUPERUSER_USERNAME.\n"
    )


def test_createsuperuser_refuses_a_weak_password_without_echoing_it() -> None:
    result = invoke(
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        env={"FRAMEWORK_SUPERUSER_PASSWORD": "1234567"},
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: This password is too short. It must contain at least 8 characters. "
        "This password is too common. This password is entirely numeric.\n"
    )
    assert "1234567" not in result.stdout
    assert usernames() == []


def test_createsuperuser_refuses_a_password_like_the_username() -> None:
    result = invoke(
        "createsuperuser",
        "--noinput",
        "--username",
        "margaret-thatcher",
        env={"FRAMEWORK_SUPERUSER_PASSWORD": "margaretthatcher"},
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: The password is too similar to the username.\n"


def test_createsuperuser_with_an_existing_username_writes_nothing() -> None:
    make_user("admin", email="first@example.com")
    result = invoke(
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        "--email",
        "other@example.com",
        env={"FRAMEWORK_SUPERUSER_PASSWORD": STRONG},
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: A user with username 'admin' already exists.\n"
    assert stored("admin").email == "first@example.com"


def test_createsuperuser_with_an_existing_email_in_another_case_writes_nothing() -> None:
    make_user("first", email="boss@example.com")
    result = invoke(
        "createsuperuser",
        "--noinput",
        "--username",
        "second",
        "--email",
        "BOSS@example.com",
        env={"FRAMEWORK_SUPERUSER_PASSWORD": STRONG},
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: A user with email 'boss@example.com' already exists.\n"
    assert usernames() == ["first"]


def test_createsuperuser_prompts_with_hidden_input_and_confirmation() -> None:
    answers = f"admin\nadmin@example.com\n{STRONG}\n{STRONG}\n"
    result = invoke("createsuperuser", input=answers)
    assert result.exit_code == 0, result.output
    assert STRONG not in result.stdout
    assert "Password: \nPassword (again): \n" in result.stdout
    assert result.stdout.endswith("Superuser 'admin' created.\n")
    assert stored("admin").is_superuser


def test_createsuperuser_asks_again_after_mismatch_weak_password_and_taken_name() -> None:
    make_user("taken")
    answers = (
        "taken\nadmin\n\n"  # a taken username, then a free one; no email
        f"{STRONG}\nsomething-else\n"  # mismatch
        "password\npassword\n"  # too common
        f"{STRONG}\n{STRONG}\n"
    )
    result = invoke("createsuperuser", input=answers)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Error: A user with username 'taken' already exists.\n"
        "Error: Your passwords didn't match.\n"
        "Error: This password is too common.\n"
    )
    assert stored("admin").email is None


@pytest.mark.parametrize(
    "answers", ["", "admin\n", f"admin\na@b.co\n{STRONG}\n"], ids=["username", "email", "again"]
)
def test_eof_at_any_prompt_cancels_and_writes_nothing(answers: str) -> None:
    result = invoke("createsuperuser", input=answers)
    assert result.exit_code == 1
    assert result.stderr.endswith("Error: Operation cancelled.\n")
    assert usernames() == []


def test_call_command_runs_createsuperuser_in_process(monkeypatch) -> None:
    monkeypatch.setenv("FRAMEWORK_SUPERUSER_PASSWORD", STRONG)
    call_command("createsuperuser", noinput=True, username="admin", email="a@b.co")
    assert usernames() == ["admin"]
    with pytest.raises(CommandError) as refused:
        call_command("createsuperuser", noinput=True, username="admin")
    assert str(refused.value) == "A user with username 'admin' already exists."


# -- changepassword ---------------------------------------------------------------------------


def test_changepassword_sets_a_new_hash() -> None:
    from framework.auth.passwords import get_hasher

    before = make_user("alice").password
    result = invoke("changepassword", "alice", input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Changing password for user 'alice'\nPassword: \nPassword (again): \n"
        "Password changed successfully for user 'alice'.\n"
    )
    after = stored("alice").password
    assert after != before
    assert get_hasher().verify(STRONG, after) == (True, None)


def test_changepassword_gives_up_after_three_mismatches() -> None:
    before = make_user("alice").password
    answers = "one-long-password\ntwo-long-password\n" * 3
    result = invoke("changepassword", "alice", input=answers)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Your passwords didn't match.\n" * 3
        + "Error: Aborting password change for user 'alice' after 3 attempts.\n"
    )
    assert stored("alice").password == before


def test_changepassword_of_an_unknown_user() -> None:
    result = invoke("changepassword", "ghost")
    assert result.exit_code == 1
    assert result.stderr == "Error: There is no user 'ghost'.\n"


# -- users ------------------------------------------------------------------------------------


def test_users_list_as_a_table_and_as_json() -> None:
    make_user("bob", email="bob@example.com", roles=["editor"])
    make_user("amy", is_superuser=True)
    table = invoke("users", "list")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("│")] == ["amy", "bob"]
    assert lines[-1] == "2 user(s)."
    rows = json.loads(invoke("users", "list", "--json").stdout)
    assert [(row["username"], row["roles"], row["is_superuser"]) for row in rows] == [
        ("amy", [], True),
        ("bob", ["editor"], False),
    ]
    assert set(rows[0]) == {
        "id",
        "username",
        "email",
        "is_active",
        "is_superuser",
        "roles",
        "date_joined",
        "last_login",
    }
    assert rows[0]["date_joined"].endswith("+00:00")


def test_users_create_with_roles_from_the_environment_password() -> None:
    result = invoke(
        "users",
        "create",
        "carol",
        "--email",
        "carol@example.com",
        "--role",
        "editor",
        "--role",
        "ops",
        "--noinput",
        env={"FRAMEWORK_USER_PASSWORD": STRONG},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "User 'carol' created.\n"
    user = stored("carol")
    assert user.role_names == ["editor", "ops"] and not user.is_superuser


def test_users_create_without_password_makes_a_token_only_account() -> None:
    from framework.auth.passwords import is_password_usable

    assert invoke("users", "create", "robot", "--no-password").exit_code == 0
    assert not is_password_usable(stored("robot").password)


def test_users_create_refuses_a_taken_name_before_asking_for_a_password() -> None:
    make_user("carol")
    result = invoke("users", "create", "carol")
    assert result.exit_code == 1
    assert result.stderr == "Error: A user with username 'carol' already exists.\n"
    assert "Password" not in result.stdout


def test_users_create_refuses_an_invalid_username() -> None:
    result = invoke("users", "create", "bad name", "--no-password")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Enter a valid username: letters, digits and @ . + - _ only; got 'bad name'.\n"
    )


def test_users_delete_asks_first_and_removes_tokens() -> None:
    from framework.contrib.auth.models import APIToken

    make_user("bob")
    make_token("bob")
    refused = invoke("users", "delete", "bob", input="n\n")
    assert refused.exit_code == 1
    assert refused.stderr.endswith("Error: Operation cancelled.\n")
    assert usernames() == ["bob"]
    done = invoke("users", "delete", "bob", input="y\n")
    assert done.exit_code == 0
    assert done.stdout.endswith("User 'bob' deleted.\n")
    assert usernames() == []
    assert in_session(APIToken.all) == []


def test_users_deactivate_and_activate() -> None:
    make_user("bob")
    result = invoke("users", "deactivate", "bob")
    assert result.stdout == "User 'bob' is now inactive; their sessions have ended.\n"
    user = stored("bob")
    assert not user.is_active and user.session_version == 1
    assert invoke("users", "activate", "bob").stdout == "User 'bob' is now active.\n"
    assert stored("bob").is_active


def test_users_roles_add_remove_and_show() -> None:
    make_user("bob")
    added = invoke("users", "roles", "bob", "--add", "ops", "--add", "editor")
    assert added.stdout == "Roles of 'bob': editor, ops\n"
    removed = invoke("users", "roles", "bob", "--remove", "ops")
    assert removed.stdout == "Roles of 'bob': editor\n"
    assert invoke("users", "roles", "bob").stdout == "Roles of 'bob': editor\n"
    missing = invoke("users", "roles", "bob", "--remove", "ops")
    assert missing.exit_code == 1
    assert missing.stderr == "Error: User 'bob' does not have the role 'ops'.\n"


def test_users_token_create_prints_it_once_and_revoke_ends_it() -> None:
    from framework.contrib.auth.tokens import user_for_token

    make_user("bob")
    created = invoke("users", "token", "create", "bob", "--name", "ci")
    assert created.exit_code == 0
    token = created.stdout.strip()
    assert len(token.splitlines()) == 1 and "." in token
    assert created.stderr == "Store this token now: it cannot be shown again.\n"
    assert in_session(user_for_token, token).username == "bob"
    revoked = invoke("users", "token", "revoke", "bob", "--name", "ci")
    assert revoked.stdout == "Revoked 1 token(s) of 'bob'.\n"
    assert in_session(user_for_token, token) is None


def test_user_commands_on_an_unknown_user() -> None:
    for args in (
        ["delete", "x", "--yes"],
        ["activate", "x"],
        ["roles", "x"],
        ["token", "create", "x"],
    ):
        result = invoke("users", *args)
        assert result.exit_code == 1
        assert result.stderr == "Error: There is no user 'x'.\n"


def test_help_lists_the_user_commands() -> None:
    result = invoke("users", "--help")
    for name in ("activate", "create", "deactivate", "delete", "list", "roles", "token"):
        assert f"  {name} " in result.stdout
    assert PASSWORD not in result.stdout


# -- --json and token list --------------------------------------------------------------------


def test_every_users_subcommand_takes_json() -> None:
    from framework.contrib.auth.user_commands import users

    def leaves(group):
        for command in group.commands.values():
            yield from leaves(command) if hasattr(command, "commands") else [command]

    for command in leaves(users):
        assert "as_json" in {param.name for param in command.params}, command.name


def test_users_json_output_for_scripts() -> None:
    env = {"FRAMEWORK_USER_PASSWORD": STRONG}
    created = json.loads(invoke("users", "create", "carol", "--noinput", "--json", env=env).stdout)
    assert (created["username"], created["is_active"], created["roles"]) == ("carol", True, [])
    roles = json.loads(invoke("users", "roles", "carol", "--add", "ops", "--json").stdout)
    assert roles == {"username": "carol", "roles": ["ops"]}
    inactive = json.loads(invoke("users", "deactivate", "carol", "--json").stdout)
    assert inactive["is_active"] is False
    active = json.loads(invoke("users", "activate", "carol", "--json").stdout)
    assert active["is_active"] is True
    deleted = json.loads(invoke("users", "delete", "carol", "--yes", "--json").stdout)
    assert deleted == {"username": "carol", "deleted": True}


def test_users_token_list_and_revoke_one_by_key() -> None:
    from framework.contrib.auth.tokens import user_for_token

    make_user("bob")
    first = json.loads(invoke("users", "token", "create", "bob", "--name", "ci", "--json").stdout)
    second = invoke("users", "token", "create", "bob", "--name", "laptop").stdout.strip()
    assert first["token"].startswith(first["key"] + ".")
    listed = json.loads(invoke("users", "token", "list", "bob", "--json").stdout)
    assert [(row["name"], row["usable"]) for row in listed] == [("ci", True), ("laptop", True)]
    assert all("token" not in row and "digest" not in row for row in listed)
    revoked = invoke("users", "token", "revoke", "bob", "--key", first["key"], "--json")
    assert json.loads(revoked.stdout) == {"username": "bob", "revoked": 1}
    assert in_session(user_for_token, first["token"]) is None
    assert in_session(user_for_token, second).username == "bob"
    table = invoke("users", "token", "list", "bob")
    assert "laptop" in table.stdout and "ci " not in table.stdout
    assert table.stdout.endswith("1 token(s).\n")
    everything = json.loads(invoke("users", "token", "list", "bob", "--all", "--json").stdout)
    assert [row["revoked_at"] is not None for row in everything] == [True, False]
