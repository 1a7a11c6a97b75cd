"""Built-in scenarios shipped inside the package (``scenarios/<name>/scenario.toml``)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def names() -> list[str]:
    """Names of the built-in scenarios."""
    return sorted(p.parent.name for p in PACKAGE_DIR.glob("*/scenario.toml"))


def folder(name: str) -> Path:
    """The folder of built-in scenario ``name``."""
    return PACKAGE_DIR / name


def manifest(name: str) -> Path:
    """The manifest of built-in scenario ``name``."""
    return folder(name) / "scenario.toml"
