// A job's state, progress and (when it ends) its result or error; null arguments leave a field as is.
MATCH (j:Job {jobId: $jobId})
SET j.state = coalesce($state, j.state),
    j.progress = coalesce($progress, j.progress),
    j.message = coalesce($message, j.message),
    j.result = coalesce($result, j.result),
    j.startedAt = CASE WHEN $state = 'running' THEN datetime() ELSE j.startedAt END,
    j.finishedAt = CASE WHEN $state IN ['succeeded', 'failed'] THEN datetime() ELSE j.finishedAt END
RETURN j.jobId AS jobId
