"""One error hierarchy for ckg. Callers catch the precise class they can act on."""

from __future__ import annotations


class CkgError(Exception):
    """Root of every error ckg raises on purpose; its message is fit for a user."""


class ConfigError(CkgError):
    """A setting is missing or invalid."""


class DatabaseUnavailable(CkgError):
    """Neo4j does not answer at the configured address."""


class AuthenticationFailed(CkgError):
    """Neo4j refused the configured user or password."""


class QueryFailed(CkgError):
    """Neo4j refused a query (constraint violated, procedure failed, memory limit...)."""


class LocalServerError(CkgError):
    """The local Neo4j server cannot be assembled, started or stopped."""


class ToolMissing(LocalServerError):
    """A program the local server needs (Java 17+, Maven) is not installed."""


class PortInUse(LocalServerError):
    """A port the local server needs is taken by another process."""


class QueryNotFound(CkgError):
    """No Cypher file has the requested name."""


class InputError(CkgError):
    """A dataset cannot be read at all (missing directory, unreadable file)."""


class NotFound(CkgError):
    """A requested entity (customer, enterprise, tag) does not exist."""
