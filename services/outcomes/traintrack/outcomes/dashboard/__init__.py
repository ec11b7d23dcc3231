"""The public outcome dashboard: server-rendered HTML with SVG charts, Korean or English."""
