"""Reproducible scale benchmarks: ``make bench`` (``python -m benchmarks``).

Scenarios (each in its own process, so peak memory is per scenario):
generate the demo portfolio for N customers (cached under var/bench/), import its ~1M open items
into a fresh database, and run the aging report by customer over them.
"""
