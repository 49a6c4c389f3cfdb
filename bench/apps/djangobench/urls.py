from django.urls import path

from . import views

urlpatterns = [
    path("hello", views.hello),
    path("json", views.json_endpoint),
    path("users", views.users),
    path("users/<int:user_id>", views.user),
    path("items", views.items),
]
