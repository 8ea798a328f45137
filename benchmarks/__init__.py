"""Speed and memory benchmarks; each module prints its figures and the command that made them.

Run one with ``.venv/bin/python -m benchmarks.<topic>`` (see README, "Benchmarks"). Every benchmark
measures a baseline in the same run and reports a ratio, because the machines are shared and noisy.
"""
