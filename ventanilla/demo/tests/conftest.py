from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    """Demo attachments and collected static files go to a scratch folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
