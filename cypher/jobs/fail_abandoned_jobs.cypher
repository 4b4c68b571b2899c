// Jobs left queued or running by a process that stopped: they will never finish.
MATCH (j:Job) WHERE j.state IN ['queued', 'running'] AND j.owner = $owner
SET j.state = 'failed', j.message = 'the API process that ran it stopped', j.finishedAt = datetime()
RETURN count(j) AS failed
