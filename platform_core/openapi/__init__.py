"""The OpenAPI 3 document of the platform, with Swagger UI and ReDoc served offline."""

from platform_core.openapi.annotations import api_doc

__all__ = ["api_doc"]


def includeme(config):
    """Routes for the document and the two documentation pages (added by the generator work)."""
