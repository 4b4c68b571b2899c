module ckg/bench/loadgen

go 1.21
