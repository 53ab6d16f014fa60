"""Use cases of the identity sector (listed by `zkmpc usecases`)."""
