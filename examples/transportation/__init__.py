"""Use cases of the transportation sector (listed by `zkmpc usecases`)."""
