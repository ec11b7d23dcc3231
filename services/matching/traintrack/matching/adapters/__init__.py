"""I/O: the store (repositories, unit of work), mapping, webhook sending, background loops."""
