"""Controllers of the {{ cookiecutter.app_name }} app, discovered by the framework.

Example:

    from framework.web import Controller, get


    class {{ cookiecutter.app_class }}Controller(Controller):
        path = "/{{ cookiecutter.app_name }}"

        @get("/")
        async def index(self, request):
            return {"app": "{{ cookiecutter.app_name }}"}
"""
