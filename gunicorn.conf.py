"""gunicorn's hooks for the academy; gunicorn reads this file from the folder it starts in.

Settings (workers, bind address) stay on the command line (README, "Running it for real").
"""

import logging


def post_worker_init(worker) -> None:
    """Get each worker ready before its first request: the certificate renderer (fonts, styles)."""
    from app.certificates import rendering

    try:
        rendering.prepare()
    except Exception:  # noqa: BLE001 (a broken certificate look must not stop the site; downloads will say why)
        logging.getLogger("gunicorn.error").exception("Could not prepare certificate rendering")
