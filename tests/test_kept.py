"""What a process keeps (app/common/kept.py): bounded, evicted least recently used, stale one stated way, counted."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from app.auth.models import Role
from app.common import kept


@pytest.fixture
def store(request):
    """A store of its own for one test, gone from the registry afterwards."""
    made = []

    def make(**settings) -> kept.Store:
        settings = {"holds": "test values", "keyed_by": "anything", "bound": 3, "owner": "tests", **settings}
        made.append(kept.Store(f"test {request.node.name} {len(made)}", **settings))
        return made[-1]

    yield make
    for store in made:
        kept.REGISTRY.pop(store.name)


def test_a_full_store_drops_its_least_recently_used_entry(store):
    """When a store is full, is only the entry used longest ago dropped, and is each drop counted?"""
    numbers = store(bound=3)
    for key in "abc":
        numbers.put(key, key.upper())
    assert numbers.get("a") == "A"  # a is now the most recently used
    numbers.put("d", "D")
    assert [key for key, _value in numbers.items()] == ["c", "a", "d"]
    assert numbers.get("b") is None
    stats = numbers.stats()
    assert (stats["size"], stats["hits"], stats["misses"], stats["evictions"]) == (3, 1, 1, 1)


def test_a_moved_mark_drops_what_was_kept_under_the_old_one(store):
    """Does a store kept by a mark (a curriculum version) drop every entry when the mark moves, and count them?"""
    version = ["v1"]
    pages = store(stale=(kept.Mark("the version moves", lambda: version[0]),))
    made = []
    page = pages.get_or_make("lesson", lambda: made.append("v1") or "page of v1")
    assert pages.get_or_make("lesson", lambda: made.append("again") or "not made") == page
    version[0] = "v2"
    assert pages.get_or_make("lesson", lambda: made.append("v2") or "page of v2") == "page of v2"
    assert made == ["v1", "v2"]
    assert pages.stats()["invalidations"] == 1


def test_an_entry_past_its_time_limit_is_made_again_and_a_limit_of_0_keeps_nothing(store):
    """Is an entry older than the time limit made again, and does a limit of 0 keep nothing at all?"""
    seconds = [60.0]
    figures = store(stale=(kept.TimeLimit("the limit passes", lambda: seconds[0]),))
    assert figures.get_or_make("overview", lambda: 1) == 1
    assert figures.get_or_make("overview", lambda: 2) == 1
    seconds[0] = 1e-9  # everything kept is now older than the limit
    assert figures.get_or_make("overview", lambda: 3) == 3
    assert figures.stats()["invalidations"] == 1
    seconds[0] = 0
    assert figures.get_or_make("overview", lambda: 4) == 4 and figures.get_or_make("overview", lambda: 5) == 5


def test_a_shell_store_refuses_a_page_it_does_not_declare(store):
    """Can a page be kept in a shell store without being declared (and so escape the kept-page test)?"""
    shells = store(pages=("lesson",))
    assert shells.get_or_make(("lesson", 1), lambda: "shell") == "shell"
    with pytest.raises(LookupError):
        shells.get_or_make(("course", 1), lambda: "shell")


def test_threads_sharing_a_store_keep_it_within_its_bound(store):
    """Do eight threads hammering one small store keep it within its bound and every lookup counted?"""
    numbers = store(bound=16)
    barrier = threading.Barrier(8)

    def work(offset: int) -> None:
        barrier.wait()
        for i in range(2000):
            key = (i * 7 + offset) % 40
            assert numbers.get_or_make(key, lambda key=key: key * 2) == key * 2

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = numbers.stats()
    assert stats["size"] <= 16 and stats["hits"] + stats["misses"] == 8 * 2000 and stats["evictions"] > 0


def test_a_lesson_page_seen_twice_is_a_hit(app, client, auth, make_user, synced):
    """Does a second view of a lesson read its shell from the course pages' store (counted as a hit)?"""
    from app.courses.lesson_page import PAGES
    from tests.helpers import post_form

    auth.login(make_user().email)
    post_form(client, "/courses/intro-to-data", "/courses/intro-to-data/enrol")
    client.get("/courses/intro-to-data/lessons/declarations")
    hits = PAGES.stats()["hits"]
    client.get("/courses/intro-to-data/lessons/declarations")
    assert PAGES.stats()["hits"] > hits


def test_only_an_admin_sees_what_each_process_keeps(client, auth, make_user, synced):
    """Does /healthz?verbose list every store and its counters for an admin, and the plain answer for anyone else?"""
    plain = {"status": "ok", "database": "ok"}
    assert client.get("/healthz?verbose").json == plain
    auth.login(make_user(Role.DIRECTORATE).email)
    assert client.get("/healthz?verbose").json == plain
    auth.logout()
    auth.login(make_user(Role.ADMIN).email)
    client.get("/catalogue")
    answer = client.get("/healthz?verbose").json
    assert set(answer["kept"]) == set(kept.REGISTRY)
    pages = answer["kept"]["course pages"]
    assert pages["size"] >= 1 and pages["misses"] >= 1 and pages["bound"] == 2048
    assert client.get("/healthz").json == plain


def test_architecture_names_every_store(app):
    """Does ARCHITECTURE.md's table of what each process keeps list every store of the registry, and no other?"""
    text = (Path(__file__).parents[1] / "ARCHITECTURE.md").read_text()
    table = text.split("## What each process keeps", 1)[1].split("\n## ", 1)[0]
    rows = {
        name: int(bound.replace(",", ""))
        for name, bound in re.findall(r"^\| \*\*(.+?)\*\* \|.*\| ([\d,]+) \|$", table, re.M)
    }
    assert rows == {name: store.bound for name, store in kept.REGISTRY.items() if not name.startswith("test ")}
