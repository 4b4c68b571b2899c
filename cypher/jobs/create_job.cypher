CREATE (j:Job {jobId: $jobId, kind: $kind, state: 'queued', progress: 0, message: '',
               requestedBy: $requestedBy, owner: $owner, createdAt: datetime()})
RETURN j.jobId AS jobId
