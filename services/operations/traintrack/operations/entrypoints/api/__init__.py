"""The operator API: journeys, lag, dead letters and their repair, pipeline health."""
