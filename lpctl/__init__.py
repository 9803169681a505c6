"""lpctl: declarative Flyte launch plans, validated and rendered offline."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
