"""Step 3 of the method, implementation: the 3/6/12-month plan, anchoring, follow-up and the
feedback log, and their exports."""
