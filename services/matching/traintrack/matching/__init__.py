"""Matching service: partner firms, openings, subscriptions, match rounds, internships."""
