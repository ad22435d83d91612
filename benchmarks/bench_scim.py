"""SCIM source figures: initial sync of a 10,000-person org, then a poll after 10 changes.

Starts scim2-server on 127.0.0.1 (as the tests do), provisions the org through
/Bulk, and prints requests sent and wall time. Run from the project root:

    python benchmarks/bench_scim.py [--people 10000] [--changes 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the scim2-server starter lives with the tests

from careerconv_plugins.scim.adapter import ScimSource  # noqa: E402
from careerconv_plugins.scim.client import ScimClient  # noqa: E402
from servers.scim import ScimAdmin, start_scim_server, user_resource  # noqa: E402

FANOUT = 8  # reports per manager


def main() -> None:
    """Provision, sync, change, poll; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = start_scim_server(Path(folder))
        try:
            run(server.tenant(), args.people, args.changes)
        finally:
            server.stop()


def run(admin: ScimAdmin, people: int, changes: int) -> None:
    """The measured part."""
    started = time.perf_counter()
    # Person i reports to person (i - 1) // FANOUT: a tree, each manager created
    # before their reports; within one /Bulk request managers are bulkId refs.
    users = []
    for i in range(people):
        manager = None if i == 0 else f"bulkId:u{(i - 1) // FANOUT}"
        user = user_resource(f"user{i:05d}", manager=manager, timezone="Europe/Berlin")
        users.append({"bulkId": f"u{i}", **user})
    ids: dict[str, str] = {}
    for start in range(0, people, 1000):
        batch = []
        for user in users[start : start + 1000]:
            extension = user.get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
            if extension:
                ref = extension["manager"]["value"].removeprefix("bulkId:")
                if ref in ids:  # created by an earlier request: use its real id
                    extension["manager"]["value"] = ids[ref]
            batch.append(user)
        ids.update(admin.bulk_create(batch))
    print(f"provisioned {people} users in {time.perf_counter() - started:.1f} s (setup)")

    client = ScimClient(admin.url, admin.token, token_env="BENCH_ENV", timeout=60)  # noqa: S106
    source = ScimSource(client, page_size=10_000)
    started = time.perf_counter()
    snapshot = source.read_people()
    elapsed = time.perf_counter() - started
    print(
        f"initial sync: {len(snapshot.people)} people, page size {source._page()}, "
        f"{client.requests_sent} requests (1 discovery + pages), {elapsed:.2f} s, of which "
        f"{client.seconds_waiting:.2f} s waiting for the server"
    )

    assert snapshot.cursor is not None
    for n in range(changes):
        # Move a leaf under another manager.
        admin.set_manager(ids[f"u{people - 1 - n}"], ids[f"u{n + 1}"])
    before = client.requests_sent
    waited = client.seconds_waiting
    started = time.perf_counter()
    poll = source.read_people(snapshot.cursor)
    elapsed = time.perf_counter() - started
    print(
        f"incremental poll after {changes} manager changes: {len(poll.people)} people, "
        f"{client.requests_sent - before} requests (changes + manager look-up), {elapsed:.3f} s, "
        f"of which {client.seconds_waiting - waited:.3f} s waiting for the server"
    )
    before = client.requests_sent
    quiet = source.read_people(poll.cursor)
    print(f"poll with nothing changed: {len(quiet.people)} people, {client.requests_sent - before} request")
    client.close()
    admin.session.close()


if __name__ == "__main__":
    main()
