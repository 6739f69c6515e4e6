"""flags stage."""
