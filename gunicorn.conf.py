"""gunicorn's hooks for the academy; gunicorn reads this file from the folder it starts in.

Settings (workers, bind address) stay on the command line (README, "Running it for real").
"""

import gc
import logging


def post_worker_init(worker) -> None:
    """Get each worker ready before its first request: the certificate renderer (fonts, styles), then what it
    has loaded set aside from the garbage collector."""
    from app.certificates import rendering

    try:
        rendering.prepare()
    except Exception:  # noqa: BLE001 (a broken certificate look must not stop the site; downloads will say why)
        logging.getLogger("gunicorn.error").exception("Could not prepare certificate rendering")
    # What the worker has loaded by now (the app, SQLAlchemy's mappers, templates, fonts: about 200,000 objects)
    # lives as long as the worker. Frozen, the collector's full passes no longer walk it: serving lesson pages in
    # one process, a full pass stopped it for 100-120 ms every few thousand requests; once frozen, no request
    # took longer than 8 ms (docs/decisions.md, "A worker's start-up objects are frozen").
    gc.freeze()
