"""The web app and JSON API (``unstuck serve``; needs the ``web`` extra).

    app = create_app(config, "pipeline.db", auth_mode="local")
    uvicorn.run(app, host="127.0.0.1", port=8000)

See docs/web.md for the pages, the API, the two modes and team deployment.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from unstuck.web.app import create_app as _create

    return _create(*args, **kwargs)


__all__ = ["create_app"]
