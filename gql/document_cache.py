"""Parsed and validated documents, cached per query text, so a repeated query costs neither.

Clients send the same few documents again and again with other variables. :class:`DocumentCache`
keeps, per query text, the parsed document and the errors validation found (depth, alias and
introspection rules included: they depend on the document alone). The cost check of
:mod:`ckg.gql.limits` still runs on every request (it reads the variables) and before the cached
validation; its refusal is never cached. The cache is bounded (least recently used evicted), so
unique texts cannot grow memory.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Iterator

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

MAX_DOCUMENTS = 256


class Documents:
    """The shared store: query text -> (document, validation errors or None before validation)."""

    def __init__(self, max_entries: int = MAX_DOCUMENTS) -> None:
        self.max_entries = max_entries
        self.parsed: OrderedDict[str, DocumentNode] = OrderedDict()
        self.validated: dict[str, list[GraphQLError]] = {}

    def document(self, text: str, parse_options: dict[str, object]) -> DocumentNode:
        found = self.parsed.get(text)
        if found is not None:
            self.parsed.move_to_end(text)
            return found
        document = parse(text, **parse_options)  # type: ignore[arg-type]
        self.parsed[text] = document
        while len(self.parsed) > self.max_entries:
            evicted, _ = self.parsed.popitem(last=False)
            self.validated.pop(evicted, None)
        return document


def document_cache(documents: Documents) -> Callable[[], SchemaExtension]:
    """An extension factory sharing ``documents``; place it after the cost limiter."""

    class DocumentCache(SchemaExtension):
        _miss = False

        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            if context.query is not None and context.graphql_document is None:
                # On a syntax error Strawberry parses it again and reports the error as it always does.
                with contextlib.suppress(GraphQLError):
                    context.graphql_document = documents.document(context.query, dict(context.parse_options))
            yield

        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            text = context.query
            if text is not None and context.pre_execution_errors is None:  # the cost check passed
                cached = documents.validated.get(text)
                if cached is not None:
                    context.pre_execution_errors = list(cached)
                else:
                    self._miss = True
            yield
            if self._miss and text is not None and text in documents.parsed:
                documents.validated[text] = list(context.pre_execution_errors or [])

    return DocumentCache
