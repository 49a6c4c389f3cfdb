"""The client address behind trusted proxies (TRUSTED_PROXIES), and never a forged one."""

from __future__ import annotations

import pytest

from framework.exceptions import ImproperlyConfigured
from framework.web.clientip import TrustedProxies

PROXIES = TrustedProxies(["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("198.51.100.9", ["203.0.113.5"], "198.51.100.9"),  # untrusted peer: header ignored
        ("10.1.2.3", ["203.0.113.5"], "203.0.113.5"),
        ("10.1.2.3", ["1.1.1.1, 203.0.113.5, 10.9.9.9"], "203.0.113.5"),  # forged left part
        ("10.1.2.3", ["1.1.1.1", "203.0.113.5"], "203.0.113.5"),  # two headers, in order
        ("10.1.2.3", [], "10.1.2.3"),
        ("10.1.2.3", ["10.0.0.7, 192.0.2.1"], "10.0.0.7"),  # every hop trusted: the first
        ("10.1.2.3", ["not-an-ip, 203.0.113.5"], "203.0.113.5"),
        ("10.1.2.3", ["203.0.113.5, garbage"], "10.1.2.3"),  # malformed: stop at the peer
        ("10.1.2.3", ["[2001:db8::1]:443, 203.0.113.5:8080"], "203.0.113.5"),
        ("2001:db8::5", ["2001:db9::1"], "2001:db9::1"),
        ("testclient", ["203.0.113.5"], "testclient"),
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(
    peer: str, forwarded: list[str], client: str
) -> None:
    assert PROXIES.client(peer, forwarded) == client


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert TrustedProxies([]).client("10.1.2.3", ["203.0.113.5"]) == "10.1.2.3"


def test_a_bad_entry_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES entries are IP addresses"):
        TrustedProxies(["10.0.0.0/33"])
