"""Enrollment service: where institutes' data enters the platform."""
