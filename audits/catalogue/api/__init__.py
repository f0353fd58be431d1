"""REST API of the catalogue: serializers, the read-only viewset and its routes."""
