"""acupath.web."""
