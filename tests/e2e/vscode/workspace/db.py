"""Data access for the learner's app."""
