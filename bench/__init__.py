"""Benchmarks: ``python -m bench --help`` (or ``make bench BENCH_ARGS=...``)."""
