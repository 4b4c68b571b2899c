"""Graph algorithms behind tags: a GDS engine (production) and a networkx engine (reference)."""
