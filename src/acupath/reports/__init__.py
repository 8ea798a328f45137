"""acupath.reports."""
