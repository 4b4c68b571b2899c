// A load is about to write rows from these files: until it ends (remove_load_start), this record
// says a load started and did not finish, so the refresh's fingerprints (list_load_markers) see the
// rows it may have written although no (:Load) report exists. `versions` names each file's content
// as read (path, size, modification time), so a later load can tell it read the same files.
CREATE (s:LoadStart {loadId: $loadId, at: datetime($at), source: $source, files: $files, versions: $versions})
RETURN s.loadId AS loadId
