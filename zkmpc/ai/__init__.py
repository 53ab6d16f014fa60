"""Artificial intelligence: proofs about models and private inputs, and federated learning."""
