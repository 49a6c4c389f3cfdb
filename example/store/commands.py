"""The store's management commands: ``python manage.py store-seed``."""

from __future__ import annotations

import click

#: Sample products, each with the ratings of a few sample reviews.
SAMPLES: list[tuple[str, float, str, list[int]]] = [
    ("Walnut desk", 420.0, "Solid walnut, oiled by hand.", [5, 4]),
    ("Linen lamp", 89.5, "A warm light with a linen shade.", [4]),
    ("Wool throw", 65.0, "Merino, in three colours.", [5, 5, 3]),
    ("Oak stool", 120.0, "Stackable, made to last.", []),
    ("Stoneware mug", 18.0, "Glazed by hand; no two alike.", [4, 2]),
]


@click.command("store-seed")
async def seed() -> None:
    """Add sample products and reviews to the catalog (ones already there are kept)."""
    # Imported here so that `manage.py --help` does not load the database layer.
    from framework import db
    from framework.db import transaction

    from .models import Product, Review
    from .ratings import refresh_rating

    added = []
    async with db.session():
        existing = {product.name for product in await Product.all()}
        async with transaction():
            for name, price, description, ratings in SAMPLES:
                if name in existing:
                    continue
                product = await Product.create(name=name, price=price, description=description)
                for rating in ratings:
                    await Review.create(product_id=product.id, rating=rating, comment="")
                added.append(product.id)
    for product_id in added:
        await refresh_rating(product_id)
    if added:
        click.echo(f"Added {len(added)} sample product(s) to the catalog.")
    else:
        click.echo("The sample products are already in the catalog.")
