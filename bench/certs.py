"""Time a certificate's first render in a fresh process, beside a minimal WeasyPrint page.

    DATABASE_URL=... STORAGE_DIR=... SECRET_KEY=... python bench/certs.py CODE

In this fresh process, after the imports: the minimal page is rendered first (the first
WeasyPrint render of the process, so it carries WeasyPrint's own start-up), then the
certificate CODE for a fresh context (its template, fonts, artwork and QR code for the first
time): `app.certificates.rendering.render_pdf`, the function the app calls on completion. Both
are rendered a second time (warm). Finally the certificate's PDF is stored the app's way
(`render_and_store`), so the benchmark can download it. Prints the timings as JSON.
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
        seconds["certificate context (QR code)"], context = timed(lambda: services._context(certificate))
        seconds["certificate, first"], pdf = timed(lambda: rendering.render_pdf(context))
        seconds["minimal page, warm"], _ = timed(lambda: HTML(string=MINIMAL).write_pdf())
        seconds["certificate, warm"], _ = timed(lambda: rendering.render_pdf(services._context(certificate)))
        seconds["render_and_store"], _ = timed(lambda: services.render_and_store(certificate))
        db.session.commit()
        path = services.storage_path(certificate)
    json.dump(
        {"seconds": seconds, "pdf_bytes": len(pdf), "minimal_bytes": len(minimal), "stored": str(path)}, sys.stdout
    )


if __name__ == "__main__":
    main()
