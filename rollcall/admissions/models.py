"""Models for the admissions app."""
