"""The address of the client behind a request, for the login throttle.

``X-Forwarded-For`` is believed only when the connection comes from one of
``settings.TRUSTED_PROXIES`` (IPs or CIDRs): anyone else can write any address there. The
header is read from the right, skipping trusted proxies, so the first address a trusted proxy
saw is the client's. A request through a trusted proxy whose address cannot be known (no header,
a malformed entry) has no client address: it is throttled per account only, so a shared proxy
address never stands for every user at once.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(address: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None


def _is_trusted(address, networks: tuple[_Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str | None:
    """The client's IP address, or ``None`` when it cannot be known."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    remote = _parse(meta.get("REMOTE_ADDR"))
    if remote is None:
        return None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(remote, networks):
        return str(remote)
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    address = None
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return None
        if not _is_trusted(address, networks):
            return str(address)
    # Only trusted proxies in the chain (or none at all): the client is the leftmost, if any.
    return str(address) if address is not None else None
