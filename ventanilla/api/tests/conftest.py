"""API fixtures: a client that sends a personal token."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from ventanilla.api.actions import create_token
from ventanilla.api.models import Scope


class ApiClient:
    """JSON requests to /api/v1/ as the owner of a token."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def _send(self, method: str, path: str, body: Any) -> Any:
        send = getattr(self.client, method)
        return send(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            headers=self.headers,
        )

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self.headers)

    def upload(self, path: str, **data: Any) -> Any:
        return self.client.post(f"/api/v1{path}", data, headers=self.headers)


ApiFor = Callable[..., ApiClient]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache; each test starts at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_for(db: None) -> ApiFor:
    def make(user: User, scope: Scope = Scope.WRITE) -> ApiClient:
        return ApiClient(create_token(user, name="test", scope=scope).plaintext)

    return make
