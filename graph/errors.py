"""One error hierarchy for ckg. Callers catch the precise class they can act on."""

from __future__ import annotations

from typing import Any, ClassVar


class CkgError(Exception):
    """Root of every error ckg raises on purpose; its message is fit for a user.

    ``code`` names the kind of error for programs; the GraphQL API reports it in the error's
    ``extensions`` (graphql-core copies an original error's ``extensions``).
    """

    code: ClassVar[str] = "CKG_ERROR"

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code}


class ConfigError(CkgError):
    """A setting is missing or invalid."""

    code = "CONFIG"


class DatabaseUnavailable(CkgError):
    """Neo4j does not answer at the configured address."""

    code = "DATABASE_UNAVAILABLE"


class AuthenticationFailed(CkgError):
    """Neo4j refused the configured user or password."""

    code = "DATABASE_AUTH"


class QueryFailed(CkgError):
    """Neo4j refused a query (constraint violated, procedure failed, memory limit...).

    Its message carries Neo4j's own text, useful in logs and on the command line; the API in
    production mode masks it (it names internals).
    """

    code = "QUERY_FAILED"


class WriteInReadTransaction(QueryFailed):
    """A statement that writes was sent through a read transaction (a defect: a cluster refuses it)."""

    code = "WRITE_IN_READ_TRANSACTION"


class LocalServerError(CkgError):
    """The local Neo4j server cannot be assembled, started or stopped."""

    code = "LOCAL_SERVER"


class ToolMissing(LocalServerError):
    """A program the local server needs (Java 17+, Maven) is not installed."""


class PortInUse(LocalServerError):
    """A port the local server needs is taken by another process."""


class QueryNotFound(CkgError):
    """No Cypher file has the requested name."""

    code = "QUERY_NOT_FOUND"


class InputError(CkgError):
    """A dataset cannot be read at all (missing directory, unreadable file)."""

    code = "BAD_INPUT"


class NotFound(CkgError):
    """A requested entity (customer, enterprise, tag) does not exist."""

    code = "NOT_FOUND"


class Busy(CkgError):
    """Exclusive work (a full tag refresh) is already running elsewhere."""

    code = "BUSY"
