"""``where``, ``join``/``outerjoin``, ``distinct``, ``like`` and ``ilike`` on the query."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy.ext.asyncio import AsyncSession


@pytest.fixture
async def catalog(db: AsyncSession, models: SimpleNamespace) -> SimpleNamespace:
    tools = await models.Category.create(name="Tools")
    toys = await models.Category.create(name="Toys")
    await models.Category.create(name="Empty")
    for name, price, category in [
        ("Hammer", 12, tools),
        ("hand saw", 20, tools),
        ("100%_Cotton Kite", 8, toys),
        ("Yo-yo", 3, toys),
    ]:
        await models.Product.create(name=name, price=price, category_id=category.id)
    return models


async def test_where_takes_criteria_and_column_values(catalog: SimpleNamespace) -> None:
    product = catalog.Product
    assert await product.query().where(product.price > 5).count() == 3
    cheap = await product.query().where(product.price < 15, name="Yo-yo").all()
    assert [p.name for p in cheap] == ["Yo-yo"]
    with pytest.raises(AttributeError, match="did you mean 'price'"):
        product.query().where(prize=3)


async def test_join_filters_and_orders_by_the_other_model(catalog: SimpleNamespace) -> None:
    product, category = catalog.Product, catalog.Category
    tools = await product.query().join(category).where(category.name == "Tools").all()
    assert sorted(p.name for p in tools) == ["Hammer", "hand saw"]
    ordered = await product.query().join(category).order_by(category.name, "-price").all()
    assert [p.name for p in ordered] == ["hand saw", "Hammer", "100%_Cotton Kite", "Yo-yo"]


async def test_outerjoin_keeps_rows_without_a_match_and_distinct_dedupes(
    catalog: SimpleNamespace,
) -> None:
    product, category = catalog.Product, catalog.Category
    with_products = category.query().join(product, product.category_id == category.id)
    assert await with_products.count() == 4  # one row per product
    assert await with_products.distinct().count() == 2
    everyone = category.query().outerjoin(product, product.category_id == category.id)
    empty = await everyone.where(product.id.is_(None)).all()
    assert [c.name for c in empty] == ["Empty"]


async def test_like_and_ilike(catalog: SimpleNamespace) -> None:
    product = catalog.Product
    assert [p.name for p in await product.query().ilike("name", "ha%").order_by("id").all()] == [
        "Hammer",
        "hand saw",
    ]
    exact = await product.query().like(product.name, "hand%").all()
    assert [p.name for p in exact] == ["hand saw"]
    literal = await product.query().like("name", r"100\%\_%", escape="\\").all()
    assert [p.name for p in literal] == ["100%_Cotton Kite"]
    with pytest.raises(AttributeError, match="has no column 'title'"):
        product.query().ilike("title", "x")
