"""The tag system: a declarative catalogue, derivations in Cypher and graph algorithms, refresh."""
