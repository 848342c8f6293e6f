"""Models for the policies app."""
