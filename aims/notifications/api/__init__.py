"""The notifications' REST API: serializers and the viewset, registered on the root router
by aims.api.urls."""
