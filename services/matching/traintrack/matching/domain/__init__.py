"""Pure matching rules: who may be seen, how candidates rank, stable rounds. No I/O."""
