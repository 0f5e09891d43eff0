"""The app for ``uvicorn unstuck.web.asgi:app`` and several workers (team deployment).

Configured from the environment like the command line: ``UNSTUCK_DB`` (default: the
per-user database file), ``UNSTUCK_WEB_SECRET_KEY``, and ``UNSTUCK_SERVE_MODE``
(``team``, the default, or ``local``).
"""

from __future__ import annotations

import os

from unstuck.config import default_db_path, load_config
from unstuck.web.app import create_app

_config = load_config()
app = create_app(
    _config,
    _config.str_("db") or str(default_db_path()),
    auth_mode=os.environ.get("UNSTUCK_SERVE_MODE", "team"),
)
