"""Simulated benchmarks: stimuli rendered procedurally, responses drawn from a declared generative model."""
