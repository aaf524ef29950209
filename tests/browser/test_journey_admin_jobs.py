"""An admin's journey to the background jobs, in chromium from `/`: a mail the mail server refused shows
as failed with its reason, and Retry sends it once the server takes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.browser.conftest import log_in
from tests.helpers import deliver_outbox

pytestmark = pytest.mark.browser


def test_an_admin_finds_a_refused_mail_and_retries_it(app, page, make_user, mail_server):
    """Can an admin reach the jobs page by clicking, see a refused mail with the server's reason, retry it,
    and see it delivered once the mail server accepts it?"""
    officer = make_user(Role.LEARNER, email="amina.odhiambo@example.org")
    admin = make_user(Role.ADMIN, full_name="Site Admin")
    refusing, refusing_port = mail_server(refuse="550 5.1.1 Mailbox unavailable")
    accepting, accepting_port = mail_server()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=refusing_port, MAIL_USE_TLS=False)
    try:
        # The officer forgot their password: the page answers at once, the mail waits in the outbox.
        page.goto("/")
        page.get_by_role("link", name="Log in").first.click()
        page.get_by_role("link", name="Forgot your password?").click()
        page.get_by_label("Email").fill(officer.email)
        page.get_by_role("button", name="Send me a reset link").click()
        expect(page.get_by_text("a link to reset the password is on its way")).to_be_visible()
        assert deliver_outbox(app) == 0  # the worker's delivery: the mail server refuses it for good

        log_in(page, admin.email)
        page.get_by_role("link", name="Jobs").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Background jobs")
        failed = page.locator("table").last
        assert "550" in failed.inner_text() and "Mailbox unavailable" in failed.inner_text()

        # The mail server is fixed; the admin retries the item.
        app.config["MAIL_PORT"] = accepting_port
        page.get_by_role("button", name="Retry").first.click()
        expect(page.get_by_text("will be delivered again")).to_be_visible()
        assert deliver_outbox(app) == 1
        page.reload()
        expect(page.get_by_text("No item has failed.")).to_be_visible()
        outbox_row = page.locator("table").first.locator("tbody tr").first
        assert outbox_row.locator("td").nth(0).inner_text() == "Mail"
        assert outbox_row.locator("td").nth(3).inner_text() == "1"  # delivered
        assert [message["To"] for message in accepting.messages] == [officer.email]
        assert refusing.messages == []
    finally:
        app.config.update(saved)
