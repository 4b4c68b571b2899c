RETURN apoc.version() AS v
