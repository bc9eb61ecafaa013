"""Services own transactions: they call providers and the store, and enqueue jobs after commit."""
