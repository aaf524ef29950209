"""A notebook's plots are files of their own: stored at import, linked from the page, kept by browsers."""

import base64
import io
import json
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from app.courses.models import Attachment, Lesson
from app.extensions import db
from tests.helpers import post_form

pytestmark = pytest.mark.storage  # stored files: CI runs it on S3 too

LESSON = "/courses/intro-to-data/lessons/exploring"


def _plot(content_dir) -> bytes:
    notebook = json.loads((content_dir / "courses/intro-to-data/notebooks/exploring.ipynb").read_text())
    outputs = [output for cell in notebook["cells"] for output in cell.get("outputs", [])]
    return base64.b64decode(next(o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})))


def _pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGBA").tobytes()


def test_a_notebook_plot_is_linked_and_served_as_an_image_browsers_keep(app, client, auth, make_user, synced):
    """Does the lesson page link its plot instead of carrying it, with its size and loaded lazily, and is the plot
    served, as the image it is and with exactly its pixels, to a logged-in learner, with a year's private caching?"""
    auth.login(make_user().email)
    post_form(client, "/courses/intro-to-data", "/courses/intro-to-data/enrol")
    page = client.get(LESSON).get_data(as_text=True)
    assert "data:image/png" not in page
    found = re.search(
        r'<img[^>]* src="(/lesson-images/[0-9a-f]{64}\.(png|webp))" width="(\d+)" height="(\d+)" loading="lazy"', page
    )
    assert found, page
    with Image.open(io.BytesIO(_plot(synced))) as original:
        assert (int(found[3]), int(found[4])) == original.size

    with client.get(found[1]) as reply:
        assert reply.status_code == 200 and reply.mimetype == f"image/{found[2]}"
        assert len(reply.data) <= len(_plot(synced)) and _pixels(reply.data) == _pixels(_plot(synced))
        caching = reply.headers["Cache-Control"]
        assert "private" in caching and "immutable" in caching and "max-age=31536000" in caching
        assert "public" not in caching
        assert reply.headers["X-Content-Type-Options"] == "nosniff"


def _status(client, url: str) -> int:
    with client.get(url) as reply:  # closes the file a served image holds open
        return reply.status_code


def test_lesson_images_serve_nothing_but_images_and_only_to_people_logged_in(app, client, auth, make_user, synced):
    """Is a stored file that is not an image (the notebook itself), an unknown hash or kind, or a visitor who is
    not logged in refused?"""
    with app.app_context():
        lesson_id = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "exploring"))
        notebook = db.session.scalar(sa.select(Attachment.sha256).where(Attachment.lesson_id == lesson_id))
    page_before_login = client.get(LESSON)
    assert page_before_login.status_code == 302

    auth.login(make_user().email)
    post_form(client, "/courses/intro-to-data", "/courses/intro-to-data/enrol")
    found = re.search(r'src="(/lesson-images/[0-9a-f]{64})\.(png|webp)"', client.get(LESSON).get_data(as_text=True))
    image, kind = f"{found[1]}.{found[2]}", found[2]
    assert _status(client, image) == 200
    assert _status(client, f"/lesson-images/{notebook}.png") == 404  # stored, but not an image
    assert _status(client, f"/lesson-images/{'0' * 64}.png") == 404
    assert _status(client, image.replace(f".{kind}", ".svg")) == 404
    assert _status(client, image.replace(f".{kind}", ".gif")) == 404  # an image is not served as another kind
    assert _status(client, "/lesson-images/../../etc/passwd.png") == 404

    auth.logout()
    assert _status(client, image) == 302
