"""Serving the WSGI application with gunicorn from inside our own commands.

``ventanilla serve`` and ``ventanilla demo`` both start the web server this
way, so the demo runs the same server as production.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from config.wsgi import application

        return application


def serve(*, host: str, port: int, workers: int = 2, threads: int = 4) -> None:
    """Serve until SIGINT/SIGTERM (gunicorn stops its workers gracefully)."""
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "control_socket_disable": True,
            "accesslog": "-",
            "graceful_timeout": 5,
        }
    ).run()
