"""The management system's REST API: serializers, views, and the urls aims.api.urls includes."""
