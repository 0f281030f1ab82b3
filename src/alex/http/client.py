"""The client's address: the socket's peer, unless that peer is a trusted reverse proxy.

Behind a proxy listed in ALEX_TRUSTED_PROXIES, the client is the right-most address of
``X-Forwarded-For`` that is not itself a trusted proxy (the left part is whatever the client
wrote). With no trusted proxies (the default) the header is ignored, so nobody can choose their
address, and with it their rate-limit and sign-in keys.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(connection: HTTPConnection, trusted_proxies: tuple[str, ...] | list[str]) -> str:
    peer = connection.client.host if connection.client else UNKNOWN
    networks = trusted_networks(tuple(trusted_proxies))
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = ",".join(connection.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return UNKNOWN  # a garbled header from a trusted proxy: one shared, limited key
    return peer
