"""In chromium: what each learner page costs on a slow line, on a first visit and on a repeat visit."""

from __future__ import annotations

import pytest

from app.auth.models import Role
from tests.browser.learner_pages import graduate, import_shipped_curriculum, learner_pages

pytestmark = pytest.mark.browser

KB = 1024
#: Moodle's notebook-like lesson page weighs 1.5 MB; every learner page is to be at least 20 times lighter.
EVERY_PAGE = 1536 * KB // 20
#: The notebook lesson, with both of its plots, on a first visit (issue 15: it weighed 115 KB).
NOTEBOOK_LESSON = 75 * KB


class Network:
    """Bytes on the wire and requests that reached the server, as chromium's network log tells them."""

    def __init__(self, context, page) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.requests: dict[str, dict] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", lambda e: self._mark(e, cached=True))
        self.cdp.on("Network.responseReceived", lambda e: self._mark(e, cached=e["response"].get("fromDiskCache")))
        self.cdp.on("Network.loadingFinished", lambda e: self._mark(e, size=e["encodedDataLength"]))

    def _sent(self, event) -> None:
        url = event["request"]["url"]
        if not url.startswith("data:"):
            self.requests[event["requestId"]] = {"url": url, "size": 0, "cached": False}

    def _mark(self, event, cached=None, size=None) -> None:
        found = self.requests.get(event["requestId"])
        if found is not None:
            found["cached"] = found["cached"] or bool(cached)
            found["size"] = size if size is not None else found["size"]

    def start(self, empty_cache: bool = False) -> None:
        if empty_cache:
            self.cdp.send("Network.clearBrowserCache")
        self.requests.clear()

    def fetched(self) -> list[dict]:
        return [found for found in self.requests.values() if not found["cached"]]


def _read_to_the_end(page) -> None:
    """Scroll down the page as a reader does, so that lazily loaded images arrive and are counted."""
    height = page.evaluate("document.body.scrollHeight")
    for top in range(0, height + 1, 600):
        page.evaluate(f"window.scrollTo(0, {top})")
        page.wait_for_timeout(30)
    page.wait_for_load_state("networkidle")


def test_every_learner_page_is_light_and_a_repeat_visit_fetches_only_the_page(browser, live_server, app, make_user):
    """Does each learner page, first visited with an empty cache, weigh at most a twentieth of Moodle's 1.5 MB (the
    notebook lesson with its plots at most 75 KB), and does a repeat visit fetch nothing but the page itself?"""
    import_shipped_curriculum(app)
    learner = make_user(Role.LEARNER, full_name="Awa Ndiaye")
    graduate(app, learner.id)
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    network = Network(context, page)
    figures, too_heavy, refetched = {}, [], []
    for name in learner_pages(page, learner.email, on_the_way=lambda _name: network.start(empty_cache=True)):
        _read_to_the_end(page)
        first = network.fetched()
        network.start()
        page.reload()
        _read_to_the_end(page)
        again = network.fetched()
        weight = sum(found["size"] for found in first)
        figures[name] = (weight, len(first), sum(found["size"] for found in again), len(again))
        budget = NOTEBOOK_LESSON if name == "notebook lesson" else EVERY_PAGE
        if weight > budget:
            too_heavy.append(f"{name}: {weight / KB:.1f} KB > {budget / KB:.1f} KB ({[f['url'] for f in first]})")
        if [found["url"] for found in again] != [page.url]:
            refetched.append(f"{name}: {[found['url'] for found in again]}")
    context.close()
    print("\npage: first visit KB (requests) / repeat visit KB (requests)")
    for name, (weight, count, again_weight, again_count) in figures.items():
        print(f"  {name}: {weight / KB:.1f} ({count}) / {again_weight / KB:.1f} ({again_count})")
    assert len(figures) == 12
    assert too_heavy == []
    assert refetched == []
