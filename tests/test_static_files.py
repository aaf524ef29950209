"""Static files: named by the hash of their content, kept a year by browsers, sent gzipped."""

import gzip
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "app" / "static"


def _stylesheet_url(client) -> str:
    html = client.get("/catalogue").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="(/static/css/app\.[0-9a-f]{10}\.css)">', html).group(1)


def test_pages_link_static_files_by_a_hash_of_their_content_kept_for_a_year(client):
    """Does a page link the stylesheet under a name that changes with its content, which browsers keep a year?"""
    url = _stylesheet_url(client)
    response = client.get(url)
    assert response.status_code == 200
    assert response.get_data() == (STATIC / "css/app.css").read_bytes()
    assert {"public", "immutable", "max-age=31536000"} <= {
        part.strip() for part in response.headers["Cache-Control"].split(",")
    }
    response.close()


def test_a_browser_that_accepts_gzip_gets_the_stylesheet_compressed(client):
    """Is the stylesheet sent gzipped, a quarter of its size, to a browser that says it accepts gzip?"""
    url = _stylesheet_url(client)
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    original = (STATIC / "css/app.css").read_bytes()
    assert gzip.decompress(response.get_data()) == original and len(response.get_data()) < len(original) / 2


def test_plain_and_outdated_names_are_revalidated_not_kept(client):
    """Do the plain name and a hashed name from before a release still answer, but never for a year?"""
    for url in ("/static/css/app.css", "/static/css/app.0123456789.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.get_data() == (STATIC / "css/app.css").read_bytes()
        assert "no-cache" in response.headers["Cache-Control"] and "immutable" not in response.headers["Cache-Control"]
        response.close()
    assert client.get("/static/css/nothing-here.css").status_code == 404
