MATCH (:Segment {name: $name})<-[r:IN_SEGMENT]-()
DELETE r
