"""Operations' I/O: Kafka (dead letters, journeys, lag), its database (the repair
log), the other services over HTTP; the unit of work that holds them for a handler."""
