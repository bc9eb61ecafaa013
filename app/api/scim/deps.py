"""Injected SCIM dependencies."""

from __future__ import annotations

from litestar.di import NamedDependency

from app.services.directory import DirectoryAuth

ScimAuth = NamedDependency[DirectoryAuth]
