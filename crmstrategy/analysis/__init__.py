"""Step 1 of the method, analysis: segments, personas, participants, the customer-insight log,
the readiness check and where the company is strong (key factors, strength ratings, scores)."""
