"""screen/lists stage."""
