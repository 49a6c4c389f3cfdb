"""The test outbox: every message sent through the ``locmem`` backend.

::

    from framework.testing import mail

    def test_welcome_mail(client):
        client.post("/signup", json={...})
        assert mail.outbox[0].subject == "Welcome"
        assert mail.outbox[0].to == ["ann@example.com"]

The pytest plugin runs a project's tests with ``EMAIL_BACKEND = "locmem"`` (unless the
environment names another backend) and empties the outbox before every test; the
``mailoutbox`` fixture returns it.
"""

from __future__ import annotations

from framework.mail.backends.locmem import outbox

__all__ = ["outbox"]
