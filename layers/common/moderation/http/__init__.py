"""The HTTP edge: API Gateway events in; status codes, headers and the error envelope out."""

from moderation.http.resolver import create_resolver, error_response, resolve

__all__ = ["create_resolver", "error_response", "resolve"]
