"""The examples of the project guides run as printed, in a project made by ``startproject``.

The ```python blocks of docs/settings.md, apps.md, cli.md, migrations.md and index.md are
read from the Markdown at test time: a block whose first line names a file (``# blog/apps.py``)
is written to that file of the project; the others run as scripts in it, each bare expression
echoed like a REPL would (``apps.get_app_config("blog") -> <BlogConfig: blog>``).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.e2e.conftest import BIN, run

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)

#: Every ```python block of the guides, picked by a line only it has: a new block fails
#: ``test_every_example_is_exercised`` until a test runs it.
EXAMPLES = {
    "settings.md": {
        "lookups": 'settings.require("STRIPE_KEY")',
        "override": "settings.override(",
    },
    "apps.md": {
        "config": 'url_prefix = "/blog"',
        "registry": "framework.setup()",
        "check": '@register("blog")',
    },
    "cli.md": {
        "commands": "# blog/commands.py",
        "call_command": "from framework.cli import call_command",
    },
    "migrations.md": {
        "revision header": "# shop/migrations/",
        "data migration": "def upgrade() -> None:",
    },
    "index.md": {
        "models": "# blog/models.py",
        "controllers": "# blog/controllers.py",
    },
}

#: index.md's controllers import schemas the page does not show.
SCHEMAS = """\
from pydantic import BaseModel, ConfigDict


class PostIn(BaseModel):
    title: str


class PostOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
"""

#: Runs a file like a REPL session: statements execute, bare expressions print their value.
ECHO = """\
import ast
import sys

path = sys.argv[1]
source = open(path, encoding="utf-8").read()
namespace = {"__name__": "__main__"}
for node in ast.parse(source).body:
    if isinstance(node, ast.Expr):
        value = eval(compile(ast.Expression(node.value), path, "eval"), namespace)
        print(ast.get_source_segment(source, node), "->", repr(value))
    else:
        exec(compile(ast.Module([node], []), path, "exec"), namespace)
"""

SETTINGS = {"FRAMEWORK_SETTINGS_MODULE": "mysite.settings"}


def blocks(guide: str) -> list[str]:
    return BLOCK.findall((DOCS / guide).read_text(encoding="utf-8"))


def example(guide: str, name: str) -> str:
    """Return the one ```python block of *guide* that holds the line naming *name*."""
    marker = EXAMPLES[guide][name]
    found = [block for block in blocks(guide) if marker in block]
    assert len(found) == 1, f"{guide}: {len(found)} ```python blocks contain {marker!r}"
    return found[0]


def write_example(project: Path, guide: str, name: str) -> Path:
    """Write a block to the file its first line names (``# blog/apps.py``)."""
    text = example(guide, name)
    first = re.fullmatch(r"# (\S+\.py)", text.splitlines()[0])
    assert first, f"{guide} ({name}) does not start with the file it belongs in"
    path = project / first[1]
    path.write_text(text, encoding="utf-8")
    return path


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """Return a command's output (stdout, then stderr) after checking that it succeeded."""
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{result.args} failed ({result.returncode}):\n{output}"
    return output


def manage(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "manage.py", *args], cwd=project, **env)


def echo(folder: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run *code* in *folder* (importable from there) through the REPL-like echo."""
    (folder / "_echo.py").write_text(ECHO, encoding="utf-8")
    (folder / "_example.py").write_text(code, encoding="utf-8")
    return run([sys.executable, "_echo.py", "_example.py"], cwd=folder, **env)


def copy_project(project: Path, tmp_path: Path) -> Path:
    """Return a copy of the shared project, for a test that changes it.

    Every connection to the shared database is closed by then (``closing``), so it has no
    write-ahead log left that could vanish mid-copy.
    """
    target = tmp_path / "mysite"
    shutil.copytree(project, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


class Project(NamedTuple):
    path: Path
    migrate: str  # what `db-migrate -m "posts"` printed
    upgrade: str  # what the following `db-upgrade` printed


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """``mysite`` with app ``blog`` built from the guides' files, its database migrated."""
    root = tmp_path_factory.mktemp("guides")
    ok(run([str(BIN / "framework"), "startproject", "mysite"], cwd=root))
    path = root / "mysite"
    ok(manage(path, "startapp", "blog"))
    write_example(path, "apps.md", "config")
    write_example(path, "cli.md", "commands")
    write_example(path, "index.md", "models")
    write_example(path, "index.md", "controllers")
    (path / "blog" / "schemas.py").write_text(SCHEMAS, encoding="utf-8")
    # The everyday loop of migrations.md.
    migrate = ok(manage(path, "db-migrate", "-m", "posts"))
    upgrade = ok(manage(path, "db-upgrade"))
    return Project(path, migrate, upgrade)


def test_every_example_is_exercised() -> None:
    for guide, markers in EXAMPLES.items():
        for number, block in enumerate(blocks(guide), 1):
            matched = [name for name, marker in markers.items() if marker in block]
            assert len(matched) == 1, f"{guide} example {number} is matched by {matched}"


# -- index.md -----------------------------------------------------------------------------


def test_the_models_migrate(project: Project) -> None:
    created = re.search(r"Created blog/migrations/(\w+)_posts\.py \(blog (\w+)\)", project.migrate)
    assert created and created[1] == created[2], project.migrate
    assert "- create table 'blog_post'" in project.migrate
    assert f"Applied blog {created[1]} posts" in project.upgrade
    with closing(sqlite3.connect(project.path / "db.sqlite3")) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(blog_post)")]
    assert columns == ["id", "title"]


def test_the_post_api_answers(project: Project) -> None:
    # apps.md's BlogConfig serves the app's controllers under url_prefix "/blog".
    script = """\
import json
import os

os.environ.setdefault("FRAMEWORK_SETTINGS_MODULE", "mysite.settings")
from framework.testing import TestClient
from mysite.asgi import app

with TestClient(app) as client:
    created = client.post("/blog/posts", json={"title": "Hello"})
    listed = client.get("/blog/posts")
print(json.dumps([created.status_code, created.json(), listed.status_code, listed.json()]))
"""
    (project.path / "_api.py").write_text(script, encoding="utf-8")
    output = ok(run([sys.executable, "_api.py"], cwd=project.path)).splitlines()[-1]
    status, post, list_status, posts = json.loads(output)
    assert (status, list_status) == (201, 200)
    assert post["title"] == "Hello" and isinstance(post["id"], int)
    assert post in posts


# -- apps.md ------------------------------------------------------------------------------


def test_the_registry_block(project: Project) -> None:
    typo = """
try:
    apps.get_app_config("blgo")
except LookupError as error:
    print("LookupError:", error)
config = apps.get_app_config("blog")
(config.verbose_name, config.url_prefix, config.depends_on)
"""
    code = example("apps.md", "registry") + typo
    lines = ok(echo(project.path, code, **SETTINGS)).splitlines()
    shown = dict(line.split(" -> ", 1) for line in lines if " -> " in line)
    labels = re.findall(r"<\w+: (\w+)>", shown["apps.get_app_configs()"])
    assert labels.index("auth") < labels.index("blog"), labels
    assert shown['apps.get_app_config("blog")'] == "<BlogConfig: blog>"
    assert "<class 'blog.models.Post'>" in shown["apps.get_models()"]
    assert shown['apps.get_app_config("blog").get_models()'] == "[<class 'blog.models.Post'>]"
    assert shown['apps.get_containing_app_config("blog.models")'] == "<BlogConfig: blog>"
    assert "Did you mean 'blog'?" in next(line for line in lines if "LookupError" in line)
    assert shown["(config.verbose_name, config.url_prefix, config.depends_on)"] == (
        "('Blog', '/blog', ['auth'])"
    )


def test_a_check_of_your_own(project: Project, tmp_path: Path) -> None:
    site = copy_project(project.path, tmp_path)
    write_example(site, "apps.md", "check")
    result = manage(site, "check")
    output = ok(result)
    assert "WARNING (blog.W001) BLOG_FEED_URL is not set." in output
    assert "HINT: Add it to .env." in output
    # Following the hint silences it.
    with (site / ".env").open("a", encoding="utf-8") as env:
        env.write("BLOG_FEED_URL=https://example.com/feed.xml\n")
    output = ok(manage(site, "check"))
    assert "blog.W001" not in output
    assert "System check identified no issues." in output


# -- cli.md -------------------------------------------------------------------------------


def test_an_apps_commands_join_manage_py(project: Project) -> None:
    published = ok(manage(project.path, "blog-publish", "hello", "--dry-run"))
    assert published == "publishing hello (dry run)\n"
    assert ok(manage(project.path, "blog-feeds", "rebuild")) == "rebuilt\n"
    listing = ok(manage(project.path, "--help"))
    assert "blog-publish" in listing and "Publish the post SLUG." in listing
    assert "blog-feeds" in listing and "Manage feeds." in listing


def test_call_command(project: Project, tmp_path: Path) -> None:
    site = copy_project(project.path, tmp_path)
    code = example("cli.md", "call_command") + "\nresult\n"
    result = echo(site, code, **SETTINGS)
    output = ok(result)
    assert "System check identified" in output  # check --deploy: advice, no errors
    assert "security.W018" in output  # DEBUG is on in the generated .env
    created = re.search(r'call_command\("startapp", "(\w+)"\)', code)
    assert created, "the example no longer creates an app"
    assert (site / created[1] / "apps.py").is_file()
    assert f'"{created[1]}"' in (site / "mysite" / "settings.py").read_text(encoding="utf-8")
    assert "publishing hello-world (dry run)" in result.stdout
    assert result.stdout.splitlines()[-1] == "result -> None"


# -- settings.md --------------------------------------------------------------------------


def test_settings_lookups(project: Project) -> None:
    code = example("settings.md", "lookups") + (
        '\ntry:\n    settings.DEBG\nexcept AttributeError as error:\n    print("missing:", error)\n'
    )
    lines = ok(echo(project.path, code, STRIPE_KEY="sk_test_1", PAGE_SIZE="50", **SETTINGS))
    shown = dict(line.split(" -> ", 1) for line in lines.splitlines() if " -> " in line)
    assert shown["settings.DEBUG"] == "True"  # the generated .env turns it on
    assert shown['settings.get("PAGE_SIZE", 20, cast=int)'] == "50"
    assert shown['settings.require("STRIPE_KEY")'] == "'sk_test_1'"
    assert "missing: Setting 'DEBG' is not defined. Did you mean 'DEBUG'?" in lines


@pytest.mark.parametrize("stripe_key", [None, ""], ids=["missing", "empty"])
def test_settings_require_says_where_to_set_a_key(project: Project, stripe_key: str | None) -> None:
    env = {**SETTINGS, "STRIPE_KEY": stripe_key} if stripe_key is not None else SETTINGS
    result = echo(project.path, example("settings.md", "lookups"), **env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'settings.get("PAGE_SIZE", 20, cast=int) -> 20' in result.stdout
    error = result.stderr.strip().splitlines()[-1]
    dotenv = project.path / ".env"
    assert error == (
        "framework.exceptions.ImproperlyConfigured: Setting 'STRIPE_KEY' is required but not "
        f"set: set it in the settings module 'mysite.settings', the .env file '{dotenv}' or "
        "the environment (STRIPE_KEY=...)."
    )


def test_settings_override_and_configure(tmp_path: Path) -> None:
    code = example("settings.md", "override") + (
        "\nsettings.ALLOWED_HOSTS\n"
        "try:\n    settings.DEBUG = True\nexcept Exception as error:\n    print(error)\n"
    )
    output = ok(echo(tmp_path, code))  # no settings module
    assert "settings.ALLOWED_HOSTS -> ['api.internal']" in output
    assert "Settings are read-only: use settings.override(DEBUG=...)" in output


# -- migrations.md ------------------------------------------------------------------------


def test_an_apps_first_migration_carries_its_label(project: Project) -> None:
    # The guide shows the header of shop's first migration; blog's reads the same way.
    fragment = example("migrations.md", "revision header").splitlines()
    [first] = (project.path / "blog" / "migrations").glob("*_posts.py")
    generated = first.read_text(encoding="utf-8")
    for name in ("down_revision", "branch_labels"):
        [line] = [line for line in fragment if line.startswith(f"{name} = ")]
        assert line.replace("shop", "blog") in generated.splitlines(), line
    for name in ("revision", "depends_on"):
        [line] = [line for line in fragment if line.startswith(f"{name} = ")]
        assert re.match(rf"{name} = '[0-9a-f]{{12}}'", line), line
    header = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(generated).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert header["revision"] == first.name.split("_")[0]
    assert header["down_revision"] is None
    assert header["branch_labels"] == ("blog",)
    assert header["depends_on"] is None  # blog's models point at no other app's table


def test_a_data_migration(project: Project, tmp_path: Path) -> None:
    site = copy_project(project.path, tmp_path)
    # The migration fills a slug column: give the model one, as the guide's Post has.
    with (site / "blog" / "models.py").open("a", encoding="utf-8") as models:
        models.write("    slug: Mapped[str | None] = mapped_column(String(200), default=None)\n")
    ok(manage(site, "db-migrate", "-m", "slugs"))
    ok(manage(site, "db-upgrade"))
    database = site / "db.sqlite3"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("DELETE FROM blog_post")
        connection.executemany(
            "INSERT INTO blog_post (title) VALUES (?)", [("Hello World",), ("Second Post",)]
        )
        connection.commit()

    created = ok(manage(site, "db-migrate", "blog", "--empty", "-m", "fill slugs"))
    match = re.search(r"Created (blog/migrations/(\w+)_fill_slugs\.py) \(blog (\w+)\)", created)
    assert match and match[2] == match[3], created
    migration = site / match[1]
    header = migration.read_text(encoding="utf-8").split("\n\ndef upgrade()", 1)[0]
    migration.write_text(f"{header}\n\n\n{example('migrations.md', 'data migration')}")

    ok(manage(site, "db-upgrade"))
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("SELECT title, slug FROM blog_post ORDER BY id").fetchall()
    assert rows == [("Hello World", "hello-world"), ("Second Post", "second-post")]

    ok(manage(site, "db-downgrade", "blog@-1"))
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("SELECT title, slug FROM blog_post ORDER BY id").fetchall()
    assert rows == [("Hello World", None), ("Second Post", None)]
