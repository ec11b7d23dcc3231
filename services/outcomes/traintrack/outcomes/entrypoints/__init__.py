"""How the world reaches the outcomes service: its HTTP API, its worker, the replay."""
