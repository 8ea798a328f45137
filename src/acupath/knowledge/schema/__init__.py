"""Pydantic schemas of the knowledge files: one module per kind of file."""
