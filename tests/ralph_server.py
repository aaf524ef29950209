"""Run by Ralph's own Python (.venv-ralph): Ralph's LRS app (`ralph.api:app`) with its file-system
backend, served by uvicorn on the host and port given — what `ralph runserver -b fs` serves, less
its reloader, and with one fix.

The fix: Ralph 5.1's file-system LRS backend writes every request's statements to the same file
(fs_lrs.jsonl) with its data backend's default operation, "create", which refuses a file that
exists — so it stores the first request's statements and answers 500 to every later one. Here it
appends, as the backend means to. Everything else (validation, ids, conflicts, queries, auth) is
Ralph's own. tests/lrs.py starts it.

    python tests/ralph_server.py HOST PORT   (with RALPH_APP_DIR and RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH)
"""

import os
import sys

os.environ["RALPH_RUNSERVER_BACKEND"] = "fs"

import uvicorn  # noqa: E402
from ralph.backends.data.base import BaseOperationType  # noqa: E402
from ralph.backends.lrs.fs import FSLRSBackend  # noqa: E402

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402

uvicorn.run(app, host=sys.argv[1], port=int(sys.argv[2]), log_level="info")
