"""The ASGI entry point at the project root: `daphne asgi:application`."""

from config.asgi import application

__all__ = ["application"]
