// The files of the most recent loads, newest first.
MATCH (l:Load)
WITH l.loadId AS loadId, max(l.at) AS at
ORDER BY at DESC LIMIT $loads
MATCH (l:Load {loadId: loadId})
RETURN l.loadId AS loadId, toString(l.at) AS at, l.source AS source, l.file AS file, l.read AS read,
       l.loaded AS loaded, l.rejected AS rejected, l.suppressed AS suppressed, l.skipped AS skipped,
       l.stoppedEarly AS stoppedEarly
ORDER BY at DESC, file
