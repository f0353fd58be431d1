"""The corrective actions' REST API: the viewset, registered on the root router by
aims.api.urls."""
