# A package whose static/ and templates/ folders the test app serves.
