"""REST API of evidence packs: request, follow, retry, download."""
