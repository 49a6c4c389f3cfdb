"""Models of the {{ cookiecutter.app_name }} app.

Example:

    from sqlalchemy import String
    from sqlalchemy.orm import Mapped, mapped_column

    from framework.db import CRUDMixin, Model


    class Post(CRUDMixin, Model):          # table "{{ cookiecutter.app_name }}_post"
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200))

Then: python manage.py db-migrate -m "posts" && python manage.py db-upgrade
"""
