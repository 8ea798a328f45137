"""acupath.outcomes."""
