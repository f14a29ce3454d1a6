"""The room's door, as pure decisions: what an HTTP request head may be, which web
origins are the room's own, how many connections the file limit allows, and how fast
an address may guess room codes. No socket, no websockets import: `room.py` asks,
and the tests check each decision as a function.

`raise_file_limit` is the one call with an effect (the process's soft RLIMIT_NOFILE,
POSIX only); what it asks for is `file_limit_to_ask`.
"""

from __future__ import annotations

import http
import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

FD_RESERVE = 64
"""File descriptors kept for the store, the page's files and the TUI."""
ACCEPT_BATCH = 100
"""The listen backlog (asyncio's default), lowered when files are scarce: it is also
how many connections asyncio accepts in one go, and a few such batches are in
hand before the room sees the first of them (`connection_ceiling`)."""
FEWEST_CONNECTIONS = 16
ENOUGH_CONNECTIONS = 1000
"""Below this many possible connections the facilitator is told how to allow more."""
WANTED_FILES = 65_536
"""The highest soft file limit the room asks for: a thousand phones and plenty to spare."""
OPEN_MAX = 10_240
"""What macOS allows at most when the hard limit says unlimited."""
MAX_LINE = 8192
"""The longest request line (the library's own limit; longer ones get 414)."""
MAX_HEAD = 32 * 1024
"""The longest request head, request line and headers together (longer: 431)."""


class Bucket:
    """A token bucket: `rate` tokens a second, at most `burst` saved up."""

    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst, self.tokens, self.at = rate, burst, float(burst), now

    def level(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return self.tokens

    def take(self, now: float) -> bool:
        if self.level(now) < 1:
            return False
        self.tokens -= 1
        return True




def file_limit_to_ask(soft: int, hard: int, infinity: int, want: int = WANTED_FILES) -> int | None:
    """The soft RLIMIT_NOFILE to ask for: up toward the hard limit but no higher than
    `want`, never down; None to leave it. `infinity` is the platform's RLIM_INFINITY."""
    if soft == infinity:
        return None
    target = want if hard == infinity else min(hard, want)
    return target if target > soft else None


def connection_ceiling(file_limit: int) -> tuple[int, int]:
    """(TCP connections the room keeps open at most, listen backlog) for a soft file
    limit. Kept free beyond the ceiling: `FD_RESERVE` for the store, the page and
    the TUI, and four accept batches — asyncio accepts up to a backlog's worth of
    connections per turn of the loop, and a connection refused at once still holds
    its descriptor for two or three more turns."""
    backlog = max(8, min(ACCEPT_BATCH, (file_limit - FD_RESERVE) // 8))
    return max(FEWEST_CONNECTIONS, file_limit - FD_RESERVE - 4 * backlog), backlog


Origin = tuple[str, str, int]
"""(scheme, host, port) of a web origin: lower case, the port always spelled out."""


def origin_key(url: str) -> Origin | None:
    """The origin of an http(s) URL or Origin header; None if it has none (`null`, junk)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def own_origins(
    port: int, *, listen_host: str, lan_address: str, public_url: str | None, hostnames: Iterable[str], interfaces: Iterable[str]
) -> frozenset[Origin]:
    """Where a page that may open the websocket comes from: the join URL (`public_url`,
    else the LAN address), the addresses the room listens on (each interface's when
    it listens on all), 127.0.0.1, localhost and [::1] when it listens on loopback or
    on all, and `hostnames` (other names of this laptop), all on the room's port."""
    own = {("http", lan_address.lower(), port)}
    if public_url and (key := origin_key(public_url)) is not None:
        own.add(key)
    everywhere = listen_host in ("", "0.0.0.0", "::")
    names = [*hostnames, *(interfaces if everywhere else [listen_host])]
    if everywhere or _is_loopback(listen_host):
        names += ["127.0.0.1", "localhost", "::1"]
    own.update(("http", name.strip("[]").lower(), port) for name in names)
    return frozenset(own)


def origin_allowed(origin: str, own: frozenset[Origin]) -> bool:
    """Whether a browser's Origin header is one of the room's own (`own_origins`)."""
    key = origin_key(origin)
    return key is not None and key in own


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


Problem = tuple[http.HTTPStatus, str, dict[str, str]]
"""Why a request is not served: the status, a sentence, extra headers."""

_METHOD = re.compile(rb"[A-Z]{0,17}")
_REQUEST_LINE = re.compile(rb"([A-Z]{1,16}) [\x21-\x7e]+ HTTP/1\.[01]")
_HEADER_LINE = re.compile(rb"([-!#$%&'*+.^_`|~0-9A-Za-z]+):[\x09\x20-\x7e\x80-\xff]*")
NOT_HTTP: Problem = (http.HTTPStatus.BAD_REQUEST, "This is not an HTTP/1.1 request this room can read.", {})


def request_line_problem(data: bytes) -> Problem | None:
    """Why the request line at the start of `data` (all of it, or the part that has
    arrived) cannot be served; None if it is fine so far. Read before the library
    parses the request, which closes the connection without a word on garbage."""
    end = data.find(b"\n", 0, MAX_LINE + 2)
    if end < 0:
        if len(data) > MAX_LINE:
            return http.HTTPStatus.REQUEST_URI_TOO_LONG, "That address is too long.", {}
        capitals = _METHOD.match(data)  # always matches: {0,17} capitals
        method = capitals.end() if capitals else 0
        if method == len(data):  # capitals so far: the method may go on
            return None if method <= 16 else NOT_HTTP
        return None if method and data[method : method + 1] == b" " else NOT_HTTP
    line = data[: end - 1] if data[end - 1 : end] == b"\r" else None  # lines end with CRLF
    return None if line is not None and _REQUEST_LINE.fullmatch(line) else NOT_HTTP


def head_problem(head: bytes) -> Problem | None:
    """Why a whole request head (ending with an empty line, its request line already
    passed by `request_line_problem`) is not served: a method other than GET and
    HEAD (405), a body or a header line the library would choke on (400)."""
    line_end = head.index(b"\r\n")
    method = head[: head.index(b" ")]
    if method not in (b"GET", b"HEAD"):
        return http.HTTPStatus.METHOD_NOT_ALLOWED, "Only GET and HEAD are served here.", {"Allow": "GET, HEAD"}
    for line in head[line_end + 2 : -2].split(b"\r\n")[:-1]:
        match = _HEADER_LINE.fullmatch(line)
        if match is None:
            return http.HTTPStatus.BAD_REQUEST, "A header line of that request could not be read.", {}
        name, value = match.group(1).lower(), line.partition(b":")[2].strip()
        if name == b"transfer-encoding" or (name == b"content-length" and value != b"0"):
            return http.HTTPStatus.BAD_REQUEST, "Requests with a body are not served here.", {}
    return None


def raise_file_limit() -> int | None:
    """Raise this process's soft file limit toward the hard one (`file_limit_to_ask`);
    the soft limit in force after, or None where there is none to read (Windows) or
    it is unlimited."""
    try:
        import resource  # noqa: PLC0415 - POSIX only
    except ImportError:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    ask = file_limit_to_ask(soft, hard, resource.RLIM_INFINITY)
    if ask is not None:
        for limit in dict.fromkeys((ask, min(ask, OPEN_MAX))):
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
                break
            except (ValueError, OSError):  # above what the system allows
                continue
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return None if soft == resource.RLIM_INFINITY else soft
