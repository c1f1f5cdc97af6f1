"""The README's team journal, end to end through the commands people type: `journal-server init | user |
device | run` on a real PostgreSQL, and two reps and a marketer, each a journal file, with `journal team
join`, `journal sync`, `edit`, `delete`, `conflicts`, `case-study` and `team status | leave`. Every story,
edit, deletion, conflict and case study arrives where it should; the private fields stay where they belong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from journal.server.local import LocalPostgres, free_port
from tests.cli.helpers import user_env
from tests.server.conftest import PASSWORD, _spawn, server_env, wait_for

SECRETS = (b"Jane Doe", b"jane@example.com", b"Refund code 4471")


def command(
    program: str, args: list[str], env: dict[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    module = {"journal": "journal", "journal-server": "journal.server"}[program]
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stderr == "", result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess[str], status: int) -> str:
    assert result.returncode == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def test_two_reps_and_a_marketer_share_a_team_journal(postgres: LocalPostgres, tmp_path: Path) -> None:
    url = postgres.url(f"readme_{free_port()}")  # a database that does not exist yet: init makes it
    admin_env = {**server_env(), "JOURNAL_SERVER_DATABASE": url}
    assert "created" in ok(command("journal-server", ["init", "--database", url], server_env(), tmp_path))
    assert "nothing to change" in ok(command("journal-server", ["init"], admin_env, tmp_path))
    for email, role in (("anna@example.com", "rep"), ("ben@example.com", "rep"), ("mark@example.com", "marketer")):
        added = command(
            "journal-server",
            ["user", "add", email, "--team", "Support", "--role", role, "--password-stdin"],
            admin_env,
            tmp_path,
            PASSWORD + "\n",
        )
        assert f"as {role}" in ok(added)
    assert "marketer  mark@example.com" in ok(command("journal-server", ["user", "list"], admin_env, tmp_path))
    port = free_port()
    log = tmp_path / "server.log"
    process = _spawn(url, port, log)
    server = f"http://127.0.0.1:{port}"
    try:
        wait_for(server, process, log)
        env = {**user_env(tmp_path / "home"), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}

        def journal(name: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
            return command("journal", ["--journal", str(tmp_path / f"{name}.journal"), *args], env, tmp_path, stdin)

        # Joining: the password is read from standard input and never kept; the token goes to a 0600 file.
        for name in ("anna", "ben", "mark"):
            joined = ok(
                journal(
                    name,
                    "team",
                    "join",
                    server,
                    "--user",
                    f"{name}@example.com",
                    "--password-stdin",
                    stdin=PASSWORD + "\n",
                )
            )
            assert "Joined the team Support" in joined and "only you can read it" in joined
        tokens = list((tmp_path / "home" / "config" / "story-journal" / "team-tokens").iterdir())
        assert len(tokens) == 3 and all(t.stat().st_mode & 0o777 == 0o600 for t in tokens)
        assert not any(PASSWORD.encode() in p.read_bytes() for p in tmp_path.rglob("*.journal"))
        refusal = refused(
            journal(
                "ben",
                "team",
                "join",
                "http://192.0.2.7:8765",
                "--user",
                "ben@example.com",
                "--password-stdin",
                stdin="x\n",
            ),
            1,
        )
        assert "https://" in refusal

        # Anna writes two stories; one with a customer who asked not to be named.
        boots = ok(
            journal(
                "anna",
                "add",
                "--title",
                "Boots for Jane Doe",
                "--customer",
                "Jane Doe",
                "--contact",
                "jane@example.com",
                "--notes",
                "Refund code 4471",
                "--consent",
                "anonymous",
                "--situation",
                "Jane Doe asked for more time.",
                "--tag",
                "retail",
            )
        ).strip()
        flowers = ok(
            journal("anna", "add", "--title", "Flowers for a funeral", "--consent", "named", "--customer", "Sam Lee")
        ).strip()
        assert ok(journal("anna", "sync")) == "Pushed 2, pulled 0, 0 conflicts.\n"
        assert ok(journal("ben", "sync")) == "Pushed 0, pulled 2, 0 conflicts.\n"
        assert ok(journal("mark", "sync")) == "Pushed 0, pulled 2, 0 conflicts.\n"

        # What each role sees.
        ben_view = json.loads(ok(journal("ben", "show", boots, "--json")))
        assert (ben_view["customer_name"], ben_view["customer_contact"], ben_view["internal_notes"]) == (
            "Jane Doe",
            "",
            "",
        )
        mark_view = json.loads(ok(journal("mark", "show", boots, "--json")))
        assert mark_view["title"] == "Boots for the customer" and mark_view["customer_name"] == ""
        assert "Jane" not in mark_view["situation"]
        assert json.loads(ok(journal("mark", "show", flowers, "--json")))["customer_name"] == "Sam Lee"

        # An edit, a deletion and a case study travel; the marketer's edit erases nothing private.
        ok(journal("mark", "edit", boots, "--status", "approved", "--outcome", "On our blog"))
        ok(journal("mark", "case-study", "create", "Kindness", "--story", boots, "--story", flowers))
        ok(journal("ben", "delete", flowers))
        for name in ("mark", "ben", "anna", "mark"):
            ok(journal(name, "sync"))
        anna_view = json.loads(ok(journal("anna", "show", boots, "--json")))
        assert (anna_view["status"], anna_view["outcome"]) == ("approved", "On our blog")
        assert (anna_view["customer_contact"], anna_view["internal_notes"]) == ("jane@example.com", "Refund code 4471")
        assert anna_view["title"] == "Boots for Jane Doe"
        assert "Flowers" not in ok(journal("anna", "list"))
        studies = json.loads(ok(journal("anna", "case-study", "list", "--json")))
        assert [(s["title"], s["stories"]) for s in studies] == [("Kindness", 1)]

        # Two reps change the same story: a kept conflict, listed the same way on every laptop.
        ok(journal("anna", "edit", boots, "--policy", "30 days, no exceptions"))
        ok(journal("ben", "edit", boots, "--policy", "Whatever it takes"))
        ok(journal("anna", "sync"))
        assert ok(journal("ben", "sync")).startswith("Pushed 1, pulled 1, 1 conflict.")
        for name in ("anna", "mark"):
            ok(journal(name, "sync"))
        for name in ("anna", "ben", "mark"):
            listed = json.loads(ok(journal(name, "conflicts", "--json")))
            assert [story["id"] for story in listed] == [boots]
            assert "policy" in listed[0]["versions"][0]["differs"]
        status = json.loads(ok(journal("ben", "team", "status", "--json")))
        assert (status["team"], status["role"], status["waiting"], status["conflicts"]) == ("Support", "rep", 0, 1)

        # The marketer's journal file never held a private field.
        ok(journal("mark", "sync"))
        marketer_bytes = b"".join(p.read_bytes() for p in tmp_path.glob("mark.journal*"))
        assert all(secret not in marketer_bytes for secret in SECRETS)

        # The server is down: exit 75, nothing lost, the change goes out later.
        process.terminate()
        process.wait(timeout=30)
        ok(journal("anna", "edit", boots, "--outcome", "On our blog and in the paper"))
        down = refused(journal("anna", "sync"), 75)
        assert "cannot be reached" in down and "1 change wait" in down
        process = _spawn(url, port, log)
        wait_for(server, process, log)
        assert ok(journal("anna", "sync")).startswith("Pushed 1")

        # An admin revokes Ben's laptop: refused from then on, and it never signs itself back in.
        devices = json.loads(
            ok(command("journal-server", ["device", "list", "ben@example.com", "--json"], admin_env, tmp_path))
        )
        ok(command("journal-server", ["device", "revoke", devices[0]["id"][:8]], admin_env, tmp_path))
        assert "signed this laptop out" in refused(journal("ben", "sync"), 1)
        assert "signed this laptop out" in refused(journal("ben", "sync"), 1)
        assert json.loads(ok(journal("ben", "team", "status", "--json")))["revoked"] is True
        listed = ok(command("journal-server", ["device", "list", "ben@example.com"], admin_env, tmp_path))
        assert "revoked" in listed

        # Leaving keeps every story.
        assert "Every story stays" in ok(journal("anna", "team", "leave"))
        assert "not in a team" in ok(journal("anna", "team", "status"))
        assert "Boots for Jane Doe" in ok(journal("anna", "list"))
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def test_the_server_refuses_plain_http_beyond_loopback_and_needs_a_database(tmp_path: Path) -> None:
    nowhere = command(
        "journal-server",
        ["run", "--database", "postgresql://u@127.0.0.1:1/x", "--host", "0.0.0.0"],
        server_env(),
        tmp_path,
    )
    assert nowhere.returncode == 1 and "reverse proxy" in nowhere.stderr
    missing = command("journal-server", ["user", "list"], server_env(), tmp_path)
    assert missing.returncode == 1 and "JOURNAL_SERVER_DATABASE" in missing.stderr
    down = command("journal-server", ["init", "--database", "postgresql://u@127.0.0.1:1/x"], server_env(), tmp_path)
    assert down.returncode == 1 and "Cannot reach the database" in down.stderr and "Traceback" not in down.stderr
