"""Pure outcome rules: what is known of each trainee on a date, and the indicators."""
