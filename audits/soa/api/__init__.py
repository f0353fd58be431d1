"""REST API of the SoA: statements, approved versions and readiness."""
