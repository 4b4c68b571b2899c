"""Every Cypher statement of ckg, one per file: ``<area>/<verb_noun>.cypher``.

Shipped as package data and read by :mod:`ckg.graph.queries` through ``importlib.resources``.
"""
