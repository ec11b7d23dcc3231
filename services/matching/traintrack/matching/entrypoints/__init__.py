"""How the world reaches the matching service: the HTTP API and the Kafka worker."""
