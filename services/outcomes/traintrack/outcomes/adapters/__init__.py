"""I/O of the outcomes service: its store, its unit of work, contract mapping, history files."""
