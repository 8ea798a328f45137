"""acupath.storage."""
