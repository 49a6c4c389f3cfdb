"""``dumpdata``, ``loaddata`` and ``flush`` on SQLite and PostgreSQL: order, atomicity, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import call_command
from framework.cli.runtime import run_async
from framework.db import session
from framework.db.fixtures import FixtureError
from framework.exceptions import CommandError
from tests.support.inspection import rows


def test_loaddata_finds_an_app_fixture_and_orders_foreign_keys(
    migrated: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("loaddata", "catalog")  # lists the order before its product and category
    assert capsys.readouterr().out == "Installed 3 object(s) from 1 fixture(s).\n"
    assert rows("SELECT id, name FROM catalog_category") == [(1, "Lighting")]
    assert rows("SELECT id, category_id FROM catalog_product") == [(10, 1)]
    assert rows("SELECT id, product_id, quantity FROM shop_order") == [(1, 10, 2)]


def test_loading_twice_updates_rows_instead_of_duplicating(migrated: dict[str, str]) -> None:
    call_command("loaddata", "catalog")
    call_command("loaddata", "catalog")
    assert rows("SELECT count(*) FROM catalog_product") == [(1,)]


def test_new_rows_after_a_load_get_free_ids(migrated: dict[str, str], models) -> None:
    call_command("loaddata", "catalog")

    async def create() -> int:
        async with session():
            return (await models.Category.create(name="Garden")).id

    assert run_async(create) == 2


def test_dump_flush_load_round_trip(
    migrated: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("loaddata", "catalog")
    dumped = tmp_path / "dump.json"
    call_command("dumpdata", "catalog", "shop.Order", output=str(dumped))
    objects = json.loads(dumped.read_text())
    assert objects == [
        {"model": "catalog.Category", "pk": 1, "fields": {"name": "Lighting"}},
        {
            "model": "catalog.Product",
            "pk": 10,
            "fields": {"name": "Lamp", "price": 40, "category_id": 1, "sku": None},
        },
        {"model": "shop.Order", "pk": 1, "fields": {"product_id": 10, "quantity": 2}},
    ]
    capsys.readouterr()
    call_command("flush", noinput=True)
    assert capsys.readouterr().out.startswith("Deleted ")
    for table in ("catalog_category", "catalog_product", "shop_order"):
        assert rows(f"SELECT count(*) FROM {table}") == [(0,)]
    assert rows("SELECT count(*) FROM alembic_version") != [(0,)]  # the history stays
    call_command("loaddata", str(dumped))
    call_command("dumpdata", "catalog", "shop.Order", output=str(tmp_path / "again.json"))
    assert json.loads((tmp_path / "again.json").read_text()) == objects


def test_dumpdata_prints_json_of_one_model(
    migrated: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("loaddata", "catalog")
    capsys.readouterr()
    call_command("dumpdata", "catalog.category")
    assert json.loads(capsys.readouterr().out) == [
        {"model": "catalog.Category", "pk": 1, "fields": {"name": "Lighting"}}
    ]


def test_a_bad_fixture_changes_nothing(migrated: dict[str, str], tmp_path: Path) -> None:
    fixture = tmp_path / "bad.json"
    fixture.write_text(
        json.dumps(
            [
                {"model": "catalog.Category", "pk": 5, "fields": {"name": "Tools"}},
                {"model": "catalog.Product", "pk": 6, "fields": {"name": "Saw", "category_id": 99}},
            ]
        )
    )
    with pytest.raises(FixtureError) as caught:
        call_command("loaddata", str(fixture))
    message = str(caught.value)
    assert message.startswith(f"{fixture}, object 1: IntegrityError: ")
    assert message.endswith("; nothing was loaded.")
    assert rows("SELECT count(*) FROM catalog_category") == [(0,)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "is not valid JSON"),
        ('{"model": "catalog.Category"}', "must hold a JSON list of objects"),
        ('[{"model": "catalog.Nope", "pk": 1}]', "object 0: unknown model 'catalog.Nope'"),
        (
            '[{"model": "catalog.Category", "pk": 1, "fields": {"title": "x"}}]',
            "object 0: catalog.Category has no field 'title' (fields: id, name).",
        ),
    ],
)
def test_malformed_fixtures_are_named(
    dbproject: None, tmp_path: Path, content: str, message: str
) -> None:
    fixture = tmp_path / "broken.json"
    fixture.write_text(content)
    with pytest.raises(FixtureError) as caught:
        call_command("loaddata", str(fixture))
    assert str(fixture) in str(caught.value) and message in str(caught.value)


def test_missing_fixture_says_where_it_looked(dbproject: None) -> None:
    with pytest.raises(FixtureError, match="No fixture named 'nothere': not a file, and not in"):
        call_command("loaddata", "nothere")


def test_dumpdata_unknown_model_suggests(dbproject: None) -> None:
    with pytest.raises(CommandError, match=r"App .catalog. has no model .Prodcut.\. Did you mean"):
        call_command("dumpdata", "catalog.Prodcut")


def test_flush_asks_first(migrated: dict[str, str]) -> None:
    from click.testing import CliRunner

    from framework.cli.app import cli

    call_command("loaddata", "catalog")
    result = CliRunner().invoke(cli, ["flush"], input="n\n")
    assert result.exit_code == 1
    assert rows("SELECT count(*) FROM catalog_category") == [(1,)]
