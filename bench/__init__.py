"""Benchmark of the workbench pages on the demo and on a generated large workspace."""
