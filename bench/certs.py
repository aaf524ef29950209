"""Time a certificate's first render in a fresh process, beside a minimal WeasyPrint page.

    DATABASE_URL=... STORAGE_DIR=... SECRET_KEY=... python bench/certs.py CODE

In this fresh process, after the imports: the minimal page is rendered first (the first
WeasyPrint render of the process, so it carries WeasyPrint's own start-up); then the
certificate renderer is prepared as each gunicorn worker prepares it when it starts
(`rendering.prepare` from gunicorn.conf.py: fonts, certificate.css, a specimen), timed on its
own; then the certificate CODE is rendered for the first time, as the first download in a
worker renders it (`app.certificates.rendering.render_pdf`, for a fresh context with its QR
code). Both are rendered a second time (warm). Finally the certificate's PDF is stored the
app's way (`render_and_store`), so the benchmark can download it. Prints the timings as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MINIMAL = "<!doctype html><html><head><meta charset='utf-8'></head><body><p>Customs Data Academy</p></body></html>"


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def context_of(certificate) -> dict:
    """What the app hands to render_pdf for this certificate (as certificates.services._write_pdf does)."""
    from types import SimpleNamespace

    from app.certificates import rendering, services

    printed = SimpleNamespace(**{name: getattr(certificate, name) for name in services._PRINTED})
    url = services.verification_url(printed.code)
    return {"certificate": printed, "verification_url": url, "qr": rendering.qr_data_uri(url)}


def main() -> None:
    code = sys.argv[1]
    seconds = {}
    seconds["import weasyprint"], _ = timed(lambda: __import__("weasyprint"))
    from weasyprint import HTML

    from app import create_app
    from app.certificates import rendering, services
    from app.extensions import db

    app = create_app()
    with app.app_context():
        certificate = services.find(code)
        if certificate is None:
            raise SystemExit(f"no certificate {code}")
        seconds["minimal page, first"], minimal = timed(lambda: HTML(string=MINIMAL).write_pdf())
        # What a web worker does when it starts (gunicorn.conf.py): fonts, styles, a specimen.
        seconds["worker start: prepare certificates"], _ = timed(rendering.prepare)
        seconds["certificate context (QR code)"], context = timed(lambda: context_of(certificate))
        seconds["certificate, first"], pdf = timed(lambda: rendering.render_pdf(context))
        seconds["minimal page, warm"], _ = timed(lambda: HTML(string=MINIMAL).write_pdf())
        seconds["certificate, warm"], _ = timed(lambda: rendering.render_pdf(context_of(certificate)))
        seconds["render_and_store"], _ = timed(lambda: services.render_and_store(certificate))
        db.session.commit()
        key = services.storage_key(certificate)
    json.dump({"seconds": seconds, "pdf_bytes": len(pdf), "minimal_bytes": len(minimal), "stored": key}, sys.stdout)


if __name__ == "__main__":
    main()
