"""acupath.fhir."""
