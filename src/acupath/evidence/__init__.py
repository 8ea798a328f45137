"""acupath.evidence."""
