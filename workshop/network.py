"""Which address phones should use to reach this laptop.

The QR code holds `http://<address>:8765/?room=CODE`, so the address must be one
the phones can route to: the laptop's address on the venue's Wi-Fi (or a
hotspot), not a container bridge or a VPN tunnel.

Finding it must not touch the network: nothing here sends a packet or resolves a
name (no `getaddrinfo(gethostname())`, which may ask a DNS server). The kernel is
asked instead: which interface holds the default route (/proc/net/route on Linux)
and which IPv4 address each interface has (the SIOCGIFADDR ioctl). Elsewhere the
default route's source address comes from connecting a UDP socket, which only
consults the routing table.

The decision itself is pure — `rank` and `choose` take (interface, address) pairs
— so it is tested with real inputs; `find_lan_address` only gathers them.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

LOOPBACK = "127.0.0.1"

VIRTUAL_PREFIXES = (
    "docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "tun", "tap", "wg", "utun", "tailscale", "zt", "lo",
)
"""Interface names of containers, VMs, VPNs and loopback: phones on the venue's
Wi-Fi cannot reach their addresses, so they are chosen only when nothing else is."""

ROUTE_TABLE = Path("/proc/net/route")

NO_NETWORK = (
    "No network found: phones cannot reach this laptop. Join the venue's Wi-Fi or your own hotspot, "
    "then restart, or give --public-url."
)


def public_url(text: str) -> str:
    """A `--public-url` as the join URL's base: `http(s)://host[:port]`, with no path,
    query or fragment (the room serves its page at the root). ValueError says what
    is wrong and what would do."""
    from urllib.parse import urlsplit  # noqa: PLC0415 - only the CLI asks

    example = "for example http://192.168.1.20:8765"
    text = text.strip()
    if "://" not in text:
        raise ValueError(f"{text!r} has no scheme: write it in full, {example}")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{text!r}: phones open http:// or https:// addresses, not {parts.scheme}://; {example}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{text!r}: the port must be a number from 1 to 65535; {example}") from None
    host = parts.hostname or ""
    if not host or any(ch.isspace() for ch in text) or "@" in parts.netloc:
        raise ValueError(f"{text!r} names no host phones can reach; {example}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{text!r}: give the address alone, without a path or ?…; the room adds the rest. {example}")
    if port == 0:
        raise ValueError(f"{text!r}: the port must be a number from 1 to 65535; {example}")
    return f"{parts.scheme}://{parts.netloc}"


def unreachable(url: str) -> str | None:
    """Why phones cannot open this join URL, when its host is this laptop's loopback
    (127.0.0.1, ::1, localhost); None when it may work."""
    from urllib.parse import urlsplit  # noqa: PLC0415

    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        return None
    return (
        f"The join URL points at {host}, which only this laptop can open: phones cannot reach it. "
        "Start without --host (or with the laptop's Wi-Fi address), or give --public-url."
    )


@dataclass(frozen=True)
class LanAddress:
    """The address to put in the join URL, and why it may not work."""

    address: str
    """An IPv4 address in dotted form; 127.0.0.1 when no network was found."""
    interface: str | None
    """The interface holding it (e.g. 'wlan0'); None for the 127.0.0.1 fallback or when the platform does not say."""
    problem: str | None = None
    """For the facilitator, when phones probably cannot reach `address`: what happened and what to do."""


def find_lan_address() -> LanAddress:
    """Ask the kernel for the laptop's LAN address. Sends no packet, resolves no name.

    Never raises: with no usable network the answer is 127.0.0.1 with a `problem`
    to show the facilitator."""
    candidates = interface_addresses()
    default: tuple[str | None, str] | None = None
    route_table = _read(ROUTE_TABLE)
    if route_table is not None:
        name = default_route_interface(route_table)
        address = next((a for n, a in candidates if n == name), None)
        if name is not None and address is not None:
            default = (name, address)
    else:
        address = _default_route_source()
        if address is not None:
            name = next((n for n, a in candidates if a == address), None)
            default = (name, address)
    return choose(candidates, default)


def choose(candidates: list[tuple[str, str]], default: tuple[str | None, str] | None = None) -> LanAddress:
    """Pick from (interface, address) pairs. `default` is the interface and address
    of the default route, if known: it wins unless it is unusable or virtual (a VPN
    holding the default route carries no traffic from the room's phones)."""
    if default is not None:
        name, address = default
        if _usable(address) and not (name is not None and is_virtual(name)):
            return LanAddress(address, name)
    ranked = rank(candidates)
    if not ranked:
        return LanAddress(LOOPBACK, None, NO_NETWORK)
    name, address = ranked[0]
    if is_virtual(name):
        return LanAddress(
            address,
            name,
            f"Only a virtual network was found ({name}, {address}): phones probably cannot reach this laptop. "
            "Join the venue's Wi-Fi or your own hotspot, then restart, or give --public-url.",
        )
    return LanAddress(address, name)


def rank(candidates: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The usable (interface, address) pairs, best first: physical interfaces before
    virtual ones, then private addresses before public ones, then in the given order.
    Unusable ones — not IPv4, loopback, link-local (169.254.x.x: no DHCP answer),
    unspecified or multicast — are left out."""
    usable = [(name, address) for name, address in candidates if _usable(address)]
    return sorted(usable, key=lambda pair: (is_virtual(pair[0]), not ipaddress.IPv4Address(pair[1]).is_private))


def is_virtual(interface: str) -> bool:
    """Whether the interface belongs to a container, VM, VPN or loopback (by its name)."""
    return interface.startswith(VIRTUAL_PREFIXES)


def default_route_interface(route_table: str) -> str | None:
    """The interface of the default route in the text of Linux's /proc/net/route,
    the one with the lowest metric if there are several; None if there is none."""
    best: tuple[int, str] | None = None
    for line in route_table.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 8:
            continue
        name, destination, flags, metric, mask = fields[0], fields[1], fields[3], fields[6], fields[7]
        try:
            up = int(flags, 16) & 0x1  # RTF_UP
            is_default = int(destination, 16) == 0 and int(mask, 16) == 0
            cost = int(metric)
        except ValueError:
            continue
        if up and is_default and (best is None or cost < best[0]):
            best = (cost, name)
    return best[1] if best else None


def interface_addresses() -> list[tuple[str, str]]:
    """(interface, IPv4 address) of each interface that has one, in the kernel's
    order. Uses Linux's SIOCGIFADDR ioctl; empty on other platforms."""
    found: list[tuple[str, str]] = []
    if fcntl is None:
        return found
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return found
    siocgifaddr = 0x8915
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for name in names:
            try:
                packed = fcntl.ioctl(probe.fileno(), siocgifaddr, struct.pack("256s", name[:15].encode()))
            except OSError:  # no IPv4 address, or not Linux
                continue
            found.append((name, socket.inet_ntoa(packed[20:24])))
    return found


def _default_route_source() -> str | None:
    """The source address the kernel would use for the default route. Connecting a
    UDP socket only looks up the route and binds a local address: unlike TCP, no
    packet is sent (nothing is, until `send`, which is never called). The target is
    a private address, so no public address appears even in the routing lookup."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
    except OSError:  # no route at all
        return None


def _usable(text: str) -> bool:
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return not (address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast)


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None
