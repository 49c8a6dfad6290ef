"""Shared UI infrastructure apart from pages: the base layout, error pages and handlers,
pagination and citation fragments, the navigation context processor, CSS and icon."""
