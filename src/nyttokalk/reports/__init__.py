"""Reports read the analysis only; they never compute effects."""
