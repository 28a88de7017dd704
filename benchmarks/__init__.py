"""Benchmarks and the synthetic data they run on (see benchmarks/synth.py)."""
