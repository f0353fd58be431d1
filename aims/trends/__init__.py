"""Trends: a daily snapshot of the key figures, charts of them over time on the dashboard,
a printable executive summary and its PDF, and the series through the API.

The figures come from the apps above aims through a registry (``registry.register_source``,
called from each app's ready()), so aims never imports a higher layer."""
