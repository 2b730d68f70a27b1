"""Training of the learned parts of extraction, run by make targets, never by the pipeline."""
