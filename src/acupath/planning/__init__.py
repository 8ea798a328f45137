"""acupath.planning."""
