"""The store in the admin (/admin/): products and their reviews."""

from __future__ import annotations

from typing import Any

from framework.contrib.admin import ModelAdmin, action, register

from .models import Product, Review


@register(Product)
class ProductAdmin(ModelAdmin):
    list_display = ["id", "name", "price", "rating", "review_count"]
    search_fields = ["name", "description"]
    ordering = ["name"]
    fields = ["name", "price", "description", "image", "rating", "review_count"]
    #: Kept up to date by the background task after each review.
    readonly_fields = ["rating", "review_count"]


@register(Review)
class ReviewAdmin(ModelAdmin):
    list_display = ["id", "product.name", "rating", "comment"]
    search_fields = ["comment", "product.name"]
    list_filter = ["product", "rating"]
    actions = ["clear_comments"]

    @action(description="Clear the comments of the selected reviews")
    async def clear_comments(self, request: Any, objects: list[Review]) -> None:
        for review in objects:
            review.comment = ""
