"""The institute side: an SDK and a command line that put submissions onto Kafka."""
