"""Management commands of the {{ cookiecutter.app_name }} app: `python manage.py <name>`.

Every click command defined here is added to manage.py; `async def` commands run with the
apps ready and the database configured. Example:

    import click


    @click.command("{{ cookiecutter.app_name }}-hello")
    @click.argument("name", default="world")
    async def hello(name):
        click.echo(f"Hello, {name}!")
"""
