"""acupath.analytics."""
