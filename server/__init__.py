"""The local Neo4j: how it is assembled (``pom.xml``, Maven Central), configured
(``neo4j.conf.template``) and run (:mod:`ckg.server.launcher`).

The two files are package data, so ``ckg db assemble`` works from an installed wheel; the
server itself goes under ``CKG_HOME``.
"""
