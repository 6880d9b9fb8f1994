"""Desk fixtures: signed-in clients, and Debian's Chromium for browser tests
(see SETUP-NOTES: never a downloaded browser)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

# Playwright's sync API runs an event loop in the main thread; without this,
# ORM calls in a test that also uses `page` raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("chromium-home")  # keeps ~/.config, ~/.cache clean
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "c"),
        "XDG_CACHE_HOME": str(home / "k"),
    }
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
        "env": env,
    }


@pytest.fixture(autouse=True)
def _clean_cache(settings: Any) -> None:
    """Lockout counters and presence marks must not leak between tests;
    the sidebar is counted afresh on every page (one test covers its
    cache), so query counts stay exact."""
    cache.clear()
    settings.VENTANILLA_DESK_NAV_CACHE_SECONDS = 0


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_rosario(rosario: Any) -> Client:
    return signed_in(rosario)


@pytest.fixture
def as_carmen(carmen: Any) -> Client:
    return signed_in(carmen)


@pytest.fixture
def as_lucia(lucia: Any) -> Client:
    return signed_in(lucia)
