"""Competence's REST API: views (with their serializers) and the urls aims.api.urls
includes."""
