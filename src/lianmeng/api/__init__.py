"""REST API (django-ninja) under ``/api/v1/``: one router per domain, one error shape.

Routers only translate HTTP to the services and selectors of the domain apps and back; no
business rule lives here. See :mod:`lianmeng.api.urls` for the assembled API.
"""
