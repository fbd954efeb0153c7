"""Procedures (forms) as stored in the database: published versions of definitions."""
