"""acupath.assessment."""
