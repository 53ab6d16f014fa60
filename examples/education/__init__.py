"""Use cases of the education sector (listed by `zkmpc usecases`)."""
