"""Use cases of the ai sector (listed by `zkmpc usecases`)."""
