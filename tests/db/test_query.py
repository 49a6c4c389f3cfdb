"""The chainable query and ``paginate``: each step, counts, and the page's numbers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.ext.asyncio import AsyncSession

from framework.db import QueryValueError


@pytest.fixture
async def posts(db: AsyncSession, models: SimpleNamespace) -> type:
    for number in range(1, 26):
        await models.Post.create(
            title=f"post {number:02d}", views=number, published=number % 2 == 0
        )
    return models.Post


async def test_filter_and_filter_by(posts: type) -> None:
    assert await posts.query().filter(posts.views > 20).count() == 5
    assert await posts.filter_by(published=True).count() == 12
    assert await posts.filter(posts.views > 20).filter_by(published=True).count() == 2


async def test_order_by_columns_and_names(posts: type) -> None:
    newest = await posts.query().order_by("-views").limit(3).all()
    assert [post.views for post in newest] == [25, 24, 23]
    oldest = await posts.query().order_by(posts.views).first()
    assert oldest.views == 1
    assert [p.title for p in await posts.query().order_by("title").limit(2).all()] == [
        "post 01",
        "post 02",
    ]


async def test_limit_offset_and_count_ignores_them(posts: type) -> None:
    page = posts.query().order_by("views").offset(5).limit(3)
    assert [post.views for post in await page.all()] == [6, 7, 8]
    assert await page.count() == 25


async def test_queries_are_immutable(posts: type) -> None:
    base = posts.query()
    base.filter(posts.views > 20)
    assert await base.count() == 25


async def test_first_and_one(posts: type) -> None:
    assert (await posts.filter_by(views=7).one()).title == "post 07"
    assert await posts.filter_by(views=99).first() is None
    with pytest.raises(NoResultFound):
        await posts.filter_by(views=99).one()
    with pytest.raises(MultipleResultsFound):
        await posts.filter_by(published=True).one()


async def test_unknown_names_are_reported_with_a_suggestion(posts: type) -> None:
    with pytest.raises(AttributeError) as caught:
        posts.filter_by(veiws=1)
    assert str(caught.value) == "Post has no column 'veiws'; did you mean 'views'?"
    with pytest.raises(AttributeError) as caught:
        posts.query().order_by("-zzz")
    assert str(caught.value) == (
        "Post has no column 'zzz' (columns: id, title, body, views, published)."
    )


async def test_paginate_first_middle_and_last_page(posts: type) -> None:
    query = posts.query().order_by("views")
    first = await query.paginate(1, 10)
    assert [p.views for p in first.items] == list(range(1, 11))
    assert (first.total, first.page, first.per_page, first.pages) == (25, 1, 10, 3)
    assert (first.has_prev, first.has_next) == (False, True)
    last = await query.paginate(3, 10)
    assert [p.views for p in last.items] == list(range(21, 26))
    assert (last.has_prev, last.has_next) == (True, False)


async def test_page_past_the_end_is_empty_but_counts(posts: type) -> None:
    page = await posts.query().paginate(9, 10)
    assert page.items == []
    assert (page.total, page.pages, page.has_next, page.has_prev) == (25, 3, False, True)


async def test_paginate_of_nothing(db: AsyncSession, models: SimpleNamespace) -> None:
    page = await models.Post.query().paginate()
    assert (page.items, page.total, page.pages, page.has_next, page.has_prev) == (
        [],
        0,
        0,
        False,
        False,
    )


@pytest.mark.parametrize(
    ("per_page", "max_per_page", "expected"),
    [(30, 20, 20), (20, 20, 20), (30, None, 30)],
    ids=["over the cap", "at the cap", "cap disabled"],
)
async def test_per_page_cap(
    posts: type, per_page: int, max_per_page: int | None, expected: int
) -> None:
    page = await posts.query().paginate(1, per_page, max_per_page=max_per_page)
    assert page.per_page == expected
    assert len(page.items) == min(expected, 25)


@pytest.mark.parametrize(("page", "per_page"), [(0, 10), (1, 0), (-1, -1)])
async def test_paginate_refuses_numbers_below_one(posts: type, page: int, per_page: int) -> None:
    with pytest.raises(ValueError) as caught:
        await posts.query().paginate(page, per_page)
    assert str(caught.value) == (
        f"page and per_page start at 1; got page={page}, per_page={per_page}."
    )


async def test_a_page_beyond_what_the_database_can_count_is_empty(posts: type) -> None:
    # OFFSET (page - 1) * per_page would overflow every database's 64-bit integers.
    page = await posts.query().paginate(10**30, 20)
    assert (page.items, page.total, page.page, page.has_next) == ([], 25, 10**30, False)


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**30], ids=["2**63", "-2**63-1", "1e30"])
async def test_integers_beyond_the_database_are_a_query_value_error(
    posts: type, value: int
) -> None:
    for query in (
        lambda: posts.find(views=value),
        lambda: posts.filter_by(views=value).all(),
        lambda: posts.filter(posts.views > value).count(),
        lambda: posts.query().filter(posts.id == value).first(),
    ):
        with pytest.raises(QueryValueError) as caught:
            await query()
        assert "out of the database's range" in str(caught.value)
    assert await posts.query().count() == 25  # the session is still usable


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_value_beyond_a_32_bit_column_is_a_query_value_error(posts: type) -> None:
    with pytest.raises(QueryValueError) as caught:
        await posts.find(views=2**40)
    assert str(caught.value) == (
        "The number 1099511627776 is out of the database's range (a 32-bit integer column)."
    )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sqlite_names_its_64_bit_range(posts: type) -> None:
    assert await posts.find(views=2**40) is None  # SQLite integers have 64 bits
    with pytest.raises(QueryValueError) as caught:
        await posts.find(views=2**63)
    assert str(caught.value) == (
        "A number in the query is out of the database's range (SQLite integers have 64 bits)."
    )
