"""Use cases of the healthcare sector (listed by `zkmpc usecases`)."""
