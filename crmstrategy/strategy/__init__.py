"""Step 2 of the method, strategy: target segments, the strategy map and its graph, measurable
goals and their milestones, the customer promise."""
