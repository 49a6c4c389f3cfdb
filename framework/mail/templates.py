"""Mail from templates: ``render_mail("blog/email/welcome", context, to=[...])``.

A mail template is up to three files with one base name, found like page templates (the
project's TEMPLATES_DIRS, then each app's ``templates/`` folder), by convention in
``templates/<app>/email/``:

* ``welcome_subject.txt`` — the subject (line breaks are removed), unless ``subject=`` is given;
* ``welcome.txt`` — the plain-text body;
* ``welcome.html`` — an HTML alternative (autoescaped; the text templates are not escaped).

At least one of the two bodies must exist; with only the HTML one, the mail is HTML.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framework.mail.message import EmailMessage

if TYPE_CHECKING:
    import jinja2

__all__ = ["mail_template_dirs", "render_mail"]


def mail_template_dirs() -> tuple[Path, ...]:
    """Return the template folders: TEMPLATES_DIRS (under BASE_DIR), then each app's."""
    from framework.apps import apps
    from framework.conf import settings

    base = Path(settings.BASE_DIR or ".")
    dirs = [base / directory for directory in settings.TEMPLATES_DIRS]
    if apps.ready:
        dirs += [path for path in (c.templates_dir for c in apps.get_app_configs()) if path]
    return tuple(dirs)


@functools.lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path) for path in dirs]),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=False),
        keep_trailing_newline=True,
    )


def _render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str | None:
    import jinja2

    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        if exc.name != name:  # an include or extends inside the template is missing
            raise
        return None
    return template.render(dict(context))


def render_mail(
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    to: Sequence[str],
    subject: str | None = None,
    from_email: str | None = None,
    **options: Any,
) -> EmailMessage:
    """Render the mail *template* (a base name such as ``"blog/email/welcome"``) for *to*.

    *options* go to :class:`EmailMessage` (``cc``, ``bcc``, ``reply_to``, ``headers``,
    ``connection``, ``attachments``). Send the result with ``await message.asend()``.
    """
    import jinja2

    dirs = mail_template_dirs()
    env = _environment(dirs)
    values = dict(context or {})
    text = _render(env, f"{template}.txt", values)
    html = _render(env, f"{template}.html", values)
    if text is None and html is None:
        folders = ", ".join(str(path) for path in dirs) or "(none)"
        raise jinja2.TemplateNotFound(
            f"{template}.txt",
            message=f"Mail template {template!r} has neither {template}.txt nor "
            f"{template}.html; searched: {folders}.",
        )
    if subject is None:
        subject = _render(env, f"{template}_subject.txt", values)
        if subject is None:
            raise jinja2.TemplateNotFound(
                f"{template}_subject.txt",
                message=f"Mail template {template!r} has no {template}_subject.txt: add one "
                "or pass subject=.",
            )
    subject = " ".join(subject.split())
    message = EmailMessage(
        subject, text if text is not None else html or "", from_email, to, **options
    )
    if text is None:
        message.content_subtype = "html"
    elif html is not None:
        message.attach_alternative(html, "text/html")
    return message
