"""Async views; the POST body is validated by pydantic like every other contender's."""

from common import PAGE
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, ValidationError

from .models import User


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


def user_dict(user: User) -> dict[str, object]:
    return {"id": user.id, "name": user.name, "email": user.email}


async def hello(request):
    return HttpResponse("Hello, World!", content_type="text/plain")


async def json_endpoint(request):
    return JsonResponse({"message": "Hello, World!"})


async def users(request):
    return JsonResponse(
        [user_dict(u) async for u in User.objects.order_by("id")[:PAGE]], safe=False
    )


async def user(request, user_id: int):
    try:
        found = await User.objects.aget(pk=user_id)
    except User.DoesNotExist:
        raise Http404("Not found") from None
    return JsonResponse(user_dict(found))


@csrf_exempt
async def items(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        item = Item.model_validate_json(request.body)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.errors(include_url=False)}, status=422)
    return JsonResponse(item.model_dump(), status=201)
