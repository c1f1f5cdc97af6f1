"""Where link fetching may go, against real servers on this computer: private and special addresses are
refused (before any packet is sent), on every redirect; the address that was checked is the one connected
to (DNS rebinding), with the site's name kept for the Host header and TLS; one deadline covers everything.

The suite runs with STORY_JOURNAL_LOOPBACK_ONLY=1, where 127.0.0.1 stands in for the public internet; the
first tests remove it to show that 127.0.0.1 is then refused like any private address.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import httpx
import pytest

from journal.coverage.destinations import LOOPBACK_ONLY_ENV, not_public
from journal.coverage.fetch import FetchError, FetchSettings, get, make_client
from journal.coverage.http import _GuardedTransport
from tests.cli.helpers import run, succeeded, user_env
from tests.coverage.hostile_servers import client_trusting_test_ca, echo, tls_echo, trickle

SETTINGS = FetchSettings(connect_timeout=2, read_timeout=5, total_timeout=10)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("169.254.169.254", "link-local"),
        ("10.1.2.3", "private network"),
        ("172.16.0.1", "private network"),
        ("172.31.255.255", "private network"),
        ("192.168.1.1", "private network"),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("100.64.0.1", "reserved"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fc00::1", "private network"),
        ("fd12:3456::1", "private network"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:10.0.0.1", "private network"),
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 spelling of 169.254.169.254
        ("2002:0a00:0001::1", "private network"),  # 6to4 around 10.0.0.1
        ("2001:db8::1", "private network"),  # documentation range
    ],
)
def test_addresses_that_are_not_the_public_internet(address: str, reason: str) -> None:
    found = not_public(ipaddress.ip_address(address))
    assert found is not None and reason in found, found


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::6810:84e5", "::ffff:93.184.215.14"])
def test_public_addresses_pass(address: str) -> None:
    assert not_public(ipaddress.ip_address(address)) is None


def test_without_the_test_setting_a_link_to_this_computer_is_refused_and_never_requested(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(LOOPBACK_ONLY_ENV)
    with echo() as server, make_client(SETTINGS) as client:
        for url in (server.url("/page"), server.url("/page", host="localhost"), server.url("/page", host="[::1]")):
            with pytest.raises(FetchError) as refused:
                get(url, SETTINGS, client)
            assert refused.value.private and not refused.value.transient
            assert "this computer's own address (loopback), not a public web site" in str(refused.value)
        assert server.requests == 0
    with echo() as server, make_client(SETTINGS, private_ok=True) as client:  # a person allowed it
        assert get(server.url("/page"), SETTINGS, client).status == 200
        assert server.requests == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://172.16.5.4:8080/",
        "http://192.168.0.1/admin",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://0.0.0.0/",
        "http://127.0.0.2/",
    ],
)
def test_private_addresses_are_refused_before_anything_is_sent(url: str) -> None:
    with make_client(SETTINGS) as client, pytest.raises(FetchError) as refused:
        get(url, SETTINGS, client)
    assert refused.value.private and "not a public web site" in str(refused.value)


def test_a_redirect_to_a_private_address_is_refused_at_that_hop() -> None:
    with echo() as public, echo("127.0.0.2") as intranet, make_client(SETTINGS) as client:
        for target in (
            intranet.url("/secret"),
            "http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:192.168.0.1]/",
        ):
            with pytest.raises(FetchError) as refused:
                get(public.url(f"/to?url={target}"), SETTINGS, client)
            assert refused.value.private, str(refused.value)
        assert public.requests == 3 and intranet.requests == 0
        refused = _refusal(client, public.url(f"/to?url={intranet.url()}"))
        assert "127.0.0.2 is this computer's own address" in str(refused)


def _refusal(client: httpx.Client, url: str) -> FetchError:
    with pytest.raises(FetchError) as refused:
        get(url, SETTINGS, client)
    return refused.value


def test_the_connection_goes_to_the_address_that_was_checked() -> None:
    """DNS rebinding: a name that answers a public address to the check and a private one later gains
    nothing: it is looked up once per connection, and that checked answer is the one connected to."""
    asked: list[str] = []

    def rebinding(name: str, port: int) -> list[str]:
        asked.append(name)
        return ["127.0.0.1"] if len(asked) == 1 else ["10.0.0.1"]

    with echo() as server, make_client(SETTINGS, resolve=rebinding) as client:
        response = get(server.url("/page", host="rebind.test"), SETTINGS, client)
        assert response.status == 200 and asked == ["rebind.test"]
        assert server.hosts == [f"rebind.test:{server.port}"], "the Host header still names the site"

    asked.clear()

    def private_first(name: str, port: int) -> list[str]:
        asked.append(name)
        return ["10.0.0.1"] if len(asked) == 1 else ["127.0.0.1"]

    with echo() as server, make_client(SETTINGS, resolve=private_first) as client:
        refused = _refusal(client, server.url("/page", host="rebind.test"))
        assert refused.private and "rebind.test is at 10.0.0.1, an address on a private network" in str(refused)
        assert server.requests == 0


def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    with echo() as server, make_client(SETTINGS, resolve=lambda _n, _p: ["127.0.0.1", "192.168.1.10"]) as client:
        assert _refusal(client, server.url("/", host="mixed.test")).private
        assert server.requests == 0


def test_tls_is_verified_against_the_name_while_connecting_to_the_checked_address() -> None:
    with (
        tls_echo() as server,
        make_client(SETTINGS, resolve=lambda _n, _p: ["127.0.0.1"], verify=client_trusting_test_ca()) as client,
    ):
        response = get(server.url("/page", host="journal.test", scheme="https"), SETTINGS, client)
        assert response.status == 200
        assert server.names == ["journal.test"], "the TLS hello names the site (SNI)"
        assert server.hosts == [f"journal.test:{server.port}"]
        with pytest.raises(FetchError):  # the certificate is for journal.test, not for other.test
            get(server.url("/page", host="other.test", scheme="https"), SETTINGS, client)
        assert server.hosts == [f"journal.test:{server.port}"]


def test_every_client_uses_the_guarded_transport() -> None:
    with make_client(SETTINGS) as client:
        assert isinstance(client._transport, _GuardedTransport)
        assert client._transport._pool._network_backend.__class__.__name__ == "GuardedBackend"


def test_headers_sent_one_byte_at_a_time_end_at_the_deadline() -> None:
    settings = FetchSettings(connect_timeout=2, read_timeout=5, total_timeout=2)
    with trickle() as server, make_client(settings) as client:
        with pytest.raises(FetchError) as late:
            get(server.url("/"), settings, client)
        assert "did not send the page within 2 seconds" in str(late.value) and late.value.transient


# ------------------------------------------------------------------------------------ the command line


@pytest.fixture
def cli(tmp_path: Path) -> tuple[Path, dict[str, str], str]:
    env = user_env(tmp_path / "home")
    journal = tmp_path / "j.journal"
    story = succeeded(run(["--journal", str(journal), "add", "--title", "Covered"], env=env, cwd=tmp_path)).strip()
    return journal, env, story


def test_link_add_fetch_links_fetch_and_links_check_all_end_at_the_deadline(
    cli: tuple[Path, dict[str, str], str], tmp_path: Path
) -> None:
    journal, env, story = cli
    with trickle() as server:
        added = run(
            ["--journal", str(journal), "link", "add", story, server.url("/slow"), "--fetch", "--timeout", "2"],
            env=env,
            cwd=tmp_path,
        )
        assert added.returncode == 0 and "did not send the page within 2 seconds" in added.stderr, added.stderr
        fetched = run(["--journal", str(journal), "links", "fetch", "--timeout", "2"], env=env, cwd=tmp_path)
        assert fetched.returncode == 0 and "0 fetched, 0 failed, 1 waiting." in fetched.stdout, fetched
        checked = run(["--journal", str(journal), "links", "check", "--timeout", "2"], env=env, cwd=tmp_path)
        assert checked.returncode == 0 and "0 ok, 0 moved, 0 dead, 1 not reached." in checked.stdout, checked
        assert server.requests == 3


def test_link_add_refuses_a_private_address_unless_allowed(
    cli: tuple[Path, dict[str, str], str], tmp_path: Path
) -> None:
    journal, env, story = cli
    env = {key: value for key, value in env.items() if key != LOOPBACK_ONLY_ENV}
    with echo() as server:
        command = ["--journal", str(journal), "link", "add", story, server.url("/a"), "--fetch"]
        refused = run(command, env=env, cwd=tmp_path)
        assert refused.returncode == 0, refused.stderr
        assert refused.stderr == (
            "journal: saved; Not fetched: 127.0.0.1 is this computer's own address (loopback), not a public web "
            "site. If the page lives on your own network and you trust it, add the link with --allow-private.\n"
        )
        assert server.requests == 0
        allowed = run(
            ["--journal", str(journal), "link", "add", story, server.url("/b"), "--fetch", "--allow-private"],
            env=env,
            cwd=tmp_path,
        )
        assert allowed.returncode == 0 and allowed.stderr.startswith("Fetched: Seen as 127.0.0.1"), allowed.stderr
        assert server.requests == 1
