"""Evidence's REST API: serializers, views (/evidence/ and /evidence-library/), and the urls
aims.api.urls includes."""
