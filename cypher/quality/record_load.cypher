// One (:Load) node per file of a load, with the load report's counts (ckg load writes them at the end).
UNWIND $files AS f
CREATE (:Load {loadId: $loadId, at: datetime($at), source: $source, file: f.file, read: f.read, loaded: f.loaded,
               rejected: f.rejected, suppressed: f.suppressed, skipped: f.skipped, stoppedEarly: $stoppedEarly})
