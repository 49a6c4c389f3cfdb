"""Controllers of the {{ cookiecutter.app_name }} app, discovered by the framework.

Every Controller subclass here is served under its `path` (after the app's `url_prefix`);
`python manage.py routes` lists the routes and their names for `url_for`.
"""

from framework.web import Controller, get, render


class {{ cookiecutter.app_class }}Controller(Controller):
    path = "/{{ cookiecutter.app_name }}"

    @get("/")
    async def index(self, request):
        """Render the app's page (templates/{{ cookiecutter.app_name }}/index.html)."""
        context = {"title": "{{ cookiecutter.app_class }}", "app": "{{ cookiecutter.app_name }}"}
        return render(request, "{{ cookiecutter.app_name }}/index.html", context)

    @get("/status")
    async def status(self, request):
        """Answer with JSON: dicts and lists become JSON responses."""
        return {"app": "{{ cookiecutter.app_name }}", "ok": True}
