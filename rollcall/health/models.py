"""Models for the health app."""
