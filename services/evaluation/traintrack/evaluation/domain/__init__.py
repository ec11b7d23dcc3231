"""Pure certification rules: no I/O, standard library only."""
