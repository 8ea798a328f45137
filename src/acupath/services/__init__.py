"""acupath.services."""
