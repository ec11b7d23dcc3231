"""SQL through asyncpg, one module per part of the store. Callers own the transaction."""
