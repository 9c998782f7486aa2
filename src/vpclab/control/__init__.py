"""The ControlPlane: AWS's rules, and the only place the World changes."""

from .plane import ControlPlane

__all__ = ["ControlPlane"]
