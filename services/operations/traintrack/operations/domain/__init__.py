"""The operators' rules: what a dead letter is and when it may be repaired, how lag and
rates are summed up. Standard library only."""
