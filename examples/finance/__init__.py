"""Use cases of the finance sector (listed by `zkmpc usecases`)."""
