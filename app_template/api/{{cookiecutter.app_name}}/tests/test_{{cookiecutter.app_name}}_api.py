"""Tests of the {{ cookiecutter.app_name }} API, each rolled back (the `db` fixture)."""

from framework.web import url_for

ITEMS = "/{{ cookiecutter.app_name }}/items"


async def test_create_show_update_delete(async_client, db):
    created = await async_client.post(ITEMS, json={"name": "First", "description": "hello"})
    assert created.status_code == 201
    item = created.json()
    assert item["name"] == "First" and item["created_at"].endswith("Z")
    url = url_for("ItemController.show", id=item["id"])
    assert (await async_client.get(url)).json() == item
    replaced = await async_client.put(url, json={"name": "Renamed"})
    assert replaced.json()["name"] == "Renamed" and replaced.json()["description"] == ""
    assert (await async_client.delete(url)).status_code == 204
    assert (await async_client.get(url)).status_code == 404


async def test_list_is_paginated(async_client, db):
    for number in range(3):
        await async_client.post(ITEMS, json={"name": f"item {number}"})
    page = (await async_client.get(ITEMS, params={"per_page": 2})).json()
    assert [item["name"] for item in page["items"]] == ["item 0", "item 1"]
    assert page["total"] == 3


async def test_invalid_input_is_a_422_naming_the_field(async_client, db):
    response = await async_client.post(ITEMS, json={"name": 3})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "name"
    unknown = await async_client.post(ITEMS, json={"name": "x", "colour": "red"})
    assert unknown.status_code == 422
