"""How operators reach the service: its HTTP API and the `traintrack-ops` command line."""
