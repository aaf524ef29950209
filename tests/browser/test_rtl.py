"""In chromium, each key page laid out right to left: it mirrors, nothing runs off sideways, nothing overlaps.

No right-to-left language ships yet, so each page is turned with `dir="rtl"` on `<html>` once it has
loaded, as `base.html` would declare it for Arabic (app/core/language.py).
"""

import pytest

from app.auth.models import Role
from tests.browser.conftest import log_in
from tests.browser.learner_pages import graduate, import_shipped_curriculum, learner_pages

pytestmark = pytest.mark.browser

#: A desktop and a phone.
WIDTHS = (1280, 390)

#: What a page shows wider than the screen in a region that scrolls sideways on purpose (tables, code,
#: charts), and what is off screen until it is needed (the skip link, checked apart when focused).
PROBLEMS = """() => {
  const width = window.innerWidth, problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + (el.textContent || '').trim().slice(0, 30) + '"';
  if (document.scrollingElement.scrollWidth > width)
    problems.push(`the page scrolls sideways: ${document.scrollingElement.scrollWidth}px in ${width}px`);
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.scroll-region, .table-scroll, .chart, .skip-link, .visually-hidden')) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.left < -1 || box.right > width + 1)
      problems.push(`${name(el)} runs off the screen: ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
  }
  const header = [...document.querySelectorAll('.site-header a, .site-header button')]
    .map((el) => [el, el.getBoundingClientRect()]).filter(([, box]) => box.width && box.height);
  header.forEach(([a, one], i) => header.slice(i + 1).forEach(([b, other]) => {
    const across = Math.min(one.right, other.right) - Math.max(one.left, other.left);
    const down = Math.min(one.bottom, other.bottom) - Math.max(one.top, other.top);
    if (across > 1 && down > 1) problems.push(`${name(a)} overlaps ${name(b)} in the header`);
  }));
  return problems;
}"""

#: Which way the page faces: the brand at the right, a lesson's contents at the right with their rule
#: between them and the lesson, a table's headings against the right edge of their cells.
MIRRORED = """() => {
  const problems = [], width = window.innerWidth;
  const brand = document.querySelector('.brand').getBoundingClientRect();
  if (brand.left < width / 2) problems.push(`the brand is at the left (${Math.round(brand.left)}px)`);
  const nav = document.querySelector('.player-nav'), lesson = document.querySelector('.player .lesson');
  if (nav && lesson && width > 52 * 16) {
    if (nav.getBoundingClientRect().left < lesson.getBoundingClientRect().right)
      problems.push("the lesson's contents are not at the right of the lesson");
    const style = getComputedStyle(nav);
    if (style.borderLeftWidth === '0px' || style.borderRightWidth !== '0px')
      problems.push("the rule beside the lesson's contents is not between them and the lesson");
  }
  for (const th of [...document.querySelectorAll('.table th')].slice(0, 3)) {
    const text = document.createRange();
    text.selectNodeContents(th);
    const words = text.getBoundingClientRect(), cell = th.getBoundingClientRect();
    if (words.width && cell.right - words.right > words.left - cell.left)
      problems.push(`the heading "${th.textContent.trim()}" stands at the left of its cell`);
  }
  return problems;
}"""


def _check(page, name: str, found: dict) -> None:
    page.evaluate("document.documentElement.dir = 'rtl'")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        problems = page.evaluate(PROBLEMS) + (page.evaluate(MIRRORED) if width == WIDTHS[0] else [])
        page.locator(".skip-link").focus()  # it comes on screen when a keyboard reaches it
        skip = page.locator(".skip-link").bounding_box()
        page.locator(".skip-link").blur()
        if skip is None or skip["x"] < 0 or skip["x"] + skip["width"] > width:
            problems.append(f"the focused skip link is off the screen: {skip}")
        if problems:
            found[f"{name} at {width}px ({page.url})"] = problems
    page.set_viewport_size({"width": WIDTHS[0], "height": 720})


def test_key_pages_mirror_right_to_left_without_running_off_the_screen(page, app, make_user):
    """Would an officer reading Arabic get every learner page and the directorate overview mirrored, on a desktop
    and a phone, with nothing to scroll sideways and no header link over another?"""
    import_shipped_curriculum(app)
    learner = make_user(Role.LEARNER, full_name="Awa Ndiaye")
    graduate(app, learner.id)
    found, seen = {}, []
    page.goto("/")
    _check(page, "home", found)
    for name in learner_pages(page, learner.email):
        seen.append(name)
        _check(page, name, found)
    page.context.clear_cookies()
    log_in(page, make_user(Role.DIRECTORATE).email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directorate").click()
    page.wait_for_load_state("load")
    _check(page, "directorate overview", found)
    assert len(seen) == 12, seen
    assert found == {}, "\n".join(f"{where}: {problem}" for where, problems in found.items() for problem in problems)
