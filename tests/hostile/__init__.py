"""Hostile files for every import kind (issue 9): encodings, truncation, bombs, formulas, bad rows."""
