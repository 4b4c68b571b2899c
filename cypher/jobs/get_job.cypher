MATCH (j:Job {jobId: $jobId})
RETURN j.jobId AS jobId, j.kind AS kind, j.state AS state, j.progress AS progress, j.message AS message,
       j.result AS result, j.requestedBy AS requestedBy, toString(j.createdAt) AS createdAt,
       toString(j.startedAt) AS startedAt, toString(j.finishedAt) AS finishedAt
