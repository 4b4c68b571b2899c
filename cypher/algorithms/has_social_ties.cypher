// Whether the social graph has any tie (see social_ties): without one there is nothing to project.
RETURN EXISTS { MATCH (:Customer)-[:REFERRED]->(:Customer) }
    OR EXISTS { MATCH (a:Customer)-[:SHARED]->(:SocialShare)-[:REACHED]->(b:Customer) WHERE a <> b } AS ties
