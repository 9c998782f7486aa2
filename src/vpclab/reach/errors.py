"""Errors the reachability API raises for questions it cannot ask (not for blocked paths).

A blocked path is an answer (``Trace.disposition == "blocked"``); these are for endpoints that do
not exist or cannot be pinned down. All are ``ValueError`` subclasses, so ``except ValueError``
catches them, as with the stdlib's ``ipaddress`` errors.
"""

from __future__ import annotations


class ReachError(ValueError):
    """Base class: the question cannot be asked of this World."""


class UnknownEndpointError(ReachError):
    """A source or destination that names nothing in the World (an unknown id, a bad address)."""


class AmbiguousAddressError(ReachError):
    """An address that lies in subnets of several VPCs; ask with ``vpc-…:10.0.1.5`` instead."""


class UnsupportedEndpointError(ReachError):
    """An endpoint kind the tracer does not take as a source or destination."""
