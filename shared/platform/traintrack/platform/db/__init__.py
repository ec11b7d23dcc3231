"""Connection pools and migrations (pool), the unit of work (uow), and the type of what
SQL runs on."""

from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A connection of its own or one lent by a pool (`async with pool.acquire() as conn`):
# asyncpg's stubs keep the two types apart, asyncpg proxies one to the other.
Connection: TypeAlias = asyncpg.Connection | PoolConnectionProxy
