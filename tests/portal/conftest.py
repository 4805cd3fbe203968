"""Fixtures of the portal tests; the helpers themselves are in tests/portaltest.py."""

from __future__ import annotations

from portaltest import editions, portal, portal_edition  # noqa: F401 - fixtures

