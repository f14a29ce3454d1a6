"""Which address goes into the QR code. The choice is tested on real (interface,
address) pairs and real /proc/net/route text; the last tests ask this machine."""

import ipaddress
import itertools
import re
import socket

import pytest

from workshop.network import LanAddress, choose, default_route_interface, find_lan_address, interface_addresses, public_url, rank, unreachable

WIFI, DOCKER, VPN = ("wlan0", "192.168.1.20"), ("docker0", "172.17.0.1"), ("tun0", "10.8.0.2")

# A laptop on Wi-Fi with a wired dock: two default routes, the dock's metric is lower.
ROUTE_TABLE = """\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
"""


@pytest.mark.parametrize("order", list(itertools.permutations([WIFI, DOCKER, VPN])))
def test_wifi_beats_a_docker_bridge_and_a_vpn_tunnel_in_any_order(order):
    assert rank(list(order))[0] == WIFI
    assert choose(list(order)) == LanAddress("192.168.1.20", "wlan0")


def test_virtual_interfaces_come_last_even_with_private_addresses():
    ranked = rank([DOCKER, ("wg0", "10.6.0.1"), ("eth0", "81.2.69.160"), ("vboxnet0", "192.168.56.1")])
    assert ranked[0] == ("eth0", "81.2.69.160")
    assert {name for name, _ in ranked[1:]} == {"docker0", "wg0", "vboxnet0"}


def test_private_addresses_come_before_public_ones():
    assert rank([("eth0", "81.2.69.160"), WIFI]) == [WIFI, ("eth0", "81.2.69.160")]


def test_loopback_link_local_and_non_ipv4_addresses_are_left_out():
    candidates = [("lo", "127.0.0.1"), ("eth0", "169.254.12.7"), ("eth1", "0.0.0.0"), ("eth2", "fe80::1"), WIFI]
    assert rank(candidates) == [WIFI]


def test_the_default_route_interface_wins_over_the_ranking():
    dock = ("eth0", "10.1.2.3")
    assert choose([WIFI, dock], default=dock) == LanAddress("10.1.2.3", "eth0")


def test_a_vpn_holding_the_default_route_does_not_win():
    assert choose([WIFI, VPN], default=VPN).address == "192.168.1.20"


def test_a_default_route_address_without_an_interface_name_is_used():
    """What other platforms give: the UDP socket's address, no interface list."""
    assert choose([], default=(None, "192.168.1.20")) == LanAddress("192.168.1.20", None)


def test_with_no_usable_network_the_answer_is_loopback_with_a_problem():
    found = choose([("lo", "127.0.0.1"), ("eth0", "169.254.12.7")])
    assert found.address == "127.0.0.1"
    assert "phones cannot reach this laptop" in found.problem and "--public-url" in found.problem


def test_with_only_a_virtual_network_the_problem_names_it():
    found = choose([("lo", "127.0.0.1"), DOCKER])
    assert found.address == "172.17.0.1"
    assert "docker0" in found.problem and "Wi-Fi" in found.problem


def test_the_default_route_with_the_lowest_metric_is_chosen():
    assert default_route_interface(ROUTE_TABLE) == "eth0"


def test_a_route_table_without_a_default_route_has_no_default_interface():
    lines = ROUTE_TABLE.splitlines()
    assert default_route_interface("\n".join([lines[0], *lines[3:]])) is None
    assert default_route_interface("") is None


def test_on_this_machine_the_address_is_assigned_to_a_local_interface():
    found = find_lan_address()
    local = interface_addresses()  # empty where Linux's ioctl is missing
    if found.address == "127.0.0.1":
        assert found.problem
    elif local:
        assert (found.interface, found.address) in local
    else:  # found by the routing lookup alone
        assert not ipaddress.IPv4Address(found.address).is_loopback and found.problem is None


def test_finding_the_address_resolves_no_name_and_sends_nothing(monkeypatch):
    calls = []

    def counted(name):
        original = getattr(socket, name)

        def wrapper(*args, **kwargs):
            calls.append(name)
            return original(*args, **kwargs)

        monkeypatch.setattr(socket, name, wrapper)

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getfqdn", "getnameinfo"):
        counted(name)

    class CountingSocket(socket.socket):
        def connect(self, address):
            calls.append(f"connect {self.type.name}")
            return super().connect(address)

        def send(self, *args):
            calls.append("send")
            return super().send(*args)

        def sendto(self, *args):
            calls.append("sendto")
            return super().sendto(*args)

        def sendall(self, *args):
            calls.append("sendall")
            return super().sendall(*args)

    monkeypatch.setattr(socket, "socket", CountingSocket)
    found = find_lan_address()
    assert all(call == "connect SOCK_DGRAM" for call in calls), calls  # a UDP connect sends no packet
    assert len(found.address.split(".")) == 4


@pytest.mark.parametrize(
    "given, kept",
    [
        ("http://192.168.1.20:8765", "http://192.168.1.20:8765"),
        ("  https://offsite.example.com/ ", "https://offsite.example.com"),
        ("http://[fe80::1]:8765", "http://[fe80::1]:8765"),
        ("http://laptop.local", "http://laptop.local"),
    ],
)
def test_a_public_url_is_kept_as_the_join_urls_base(given, kept):
    assert public_url(given) == kept


@pytest.mark.parametrize(
    "given, said",
    [
        ("192.168.1.20:8765", "has no scheme: write it in full, for example http://192.168.1.20:8765"),
        ("not a url", "has no scheme"),
        ("ftp://192.168.1.20", "phones open http:// or https:// addresses, not ftp://"),
        ("http://192.168.1.20:99999", "the port must be a number from 1 to 65535"),
        ("http://192.168.1.20:0", "the port must be a number from 1 to 65535"),
        ("http://192.168.1.20:port", "the port must be a number from 1 to 65535"),
        ("http://", "names no host phones can reach"),
        ("http://my laptop:8765", "names no host phones can reach"),
        ("http://user@192.168.1.20", "names no host phones can reach"),
        ("http://192.168.1.20:8765/join?room=X", "without a path or ?"),
    ],
)
def test_a_public_url_phones_could_not_use_is_refused_saying_why(given, said):
    with pytest.raises(ValueError, match=re.escape(said)):
        public_url(given)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765/?room=A", "http://localhost:8765/?room=A", "http://[::1]:8765/?room=A"])
def test_a_join_url_on_the_loopback_is_said_to_be_unreachable_for_phones(url):
    assert "only this laptop can open" in unreachable(url)


@pytest.mark.parametrize("url", ["http://192.168.1.20:8765/?room=A", "http://laptop.local:8765/?room=A"])
def test_a_join_url_on_the_network_raises_no_warning(url):
    assert unreachable(url) is None
