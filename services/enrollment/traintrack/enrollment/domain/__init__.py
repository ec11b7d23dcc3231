"""Pure enrollment rules: no I/O, standard library only."""
