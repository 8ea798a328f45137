"""acupath.safety."""
