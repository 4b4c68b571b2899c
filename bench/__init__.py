"""Benchmarks: `python -m bench load` (and more); each prints a table and updates bench/RESULTS.md."""
