"""acupath.api."""
