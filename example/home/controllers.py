"""The front page: every feature of the demo, linked, and the catalog as it stands."""

from __future__ import annotations

from example.store.models import Product
from framework.web import Controller, HTMLResponse, Request, get, render

#: Products shown on the front page (the API pages through all of them).
LATEST = 10


class HomeController(Controller):
    """The demo's front page."""

    @get("/", include_in_schema=False, html=True)
    async def index(self, request: Request) -> HTMLResponse:
        """Show what to try, with the newest products and their ratings."""
        products = await Product.query().order_by("-id").limit(LATEST).all()
        review_url = None
        if products:
            review_url = request.url_for("ReviewController.create", product_id=products[0].id)
        context = {
            "products": products,
            "me_url": request.url_for("MeController.me"),
            "review_url": review_url,
        }
        return render(request, "home/index.html", context)
