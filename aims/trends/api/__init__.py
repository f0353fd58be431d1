"""The trends' REST API: the series of the daily snapshots over a period."""
