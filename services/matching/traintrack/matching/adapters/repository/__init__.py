"""SQL through asyncpg, one module per part of the store, each a repository on the unit of
work's connection (the unit of work owns the transaction)."""
