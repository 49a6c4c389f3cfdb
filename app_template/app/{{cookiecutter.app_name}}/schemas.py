"""Input and output schemas of the {{ cookiecutter.app_name }} app (pydantic or marshmallow).

Example:

    from pydantic import BaseModel


    class PostIn(BaseModel):
        title: str
"""
