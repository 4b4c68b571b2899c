"""Whether a Cypher statement writes to the store: the rule behind read and write transactions.

On a cluster or Aura (``neo4j://`` routing) a read transaction goes to a secondary, which refuses
writes, and a write transaction goes to the leader, which a read need not load. So every read in
the domain layer runs through :meth:`Database.read` and every write through a write transaction;
``Database.read`` asks :func:`writes_to_store` and refuses a statement that writes, so a misrouted
write fails on this machine in the tests instead of on the first cluster.

The check reads the statement's text (comments and string literals removed): an updating clause
(``CREATE``, ``MERGE``, ``SET``, ``DELETE``, ``DETACH DELETE``, ``REMOVE``, ``FOREACH``), batched
transactions (``CALL { ... } IN TRANSACTIONS``) or a procedure known to write the store (GDS's
``.write`` mode, APOC's create/merge/refactor/periodic procedures). GDS projections, ``stream``
and ``mutate`` modes and catalogue operations change only GDS's in-memory catalogue: they are
read-mode procedures and run in read transactions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ckg.graph.queries import Query

# One pass, so a "//" inside a string and a quote inside a comment are both read right.
_LITERALS_AND_COMMENTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)
_ALIASES = re.compile(r"\bAS\s+\w+", re.I)  # `RETURN x AS set` names a column
# A clause keyword, not a property (n.set), a parameter ($set), a map key (set:) or part of a name.
_UPDATING_CLAUSE = re.compile(r"(?<![.$\w])(CREATE|MERGE|SET|DELETE|REMOVE|FOREACH)(?![\w:])", re.I)
_IN_TRANSACTIONS = re.compile(r"\bIN\s+(?:\d+\s+)?(?:CONCURRENT\s+)?TRANSACTIONS\b", re.I)
_WRITING_PROCEDURE = re.compile(
    r"\bgds(?:\.[\w]+)*\.write\b"
    r"|\bapoc\.(?:create|merge|refactor|periodic|nodes\.delete|atomic)\b"
    r"|\bdb\.(?:create|index\.fulltext\.create)\w*",
    re.I,
)


@lru_cache(maxsize=1024)
def _text_writes(text: str) -> bool:
    code = _ALIASES.sub("AS _", _LITERALS_AND_COMMENTS.sub(" '' ", text))
    return bool(_UPDATING_CLAUSE.search(code) or _IN_TRANSACTIONS.search(code)
                or _WRITING_PROCEDURE.search(code))


def writes_to_store(query: Query) -> bool:
    """True when ``query`` creates, changes or deletes data (or schema), so it needs a write transaction."""
    return _text_writes(query.text)
