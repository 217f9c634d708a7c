"""The HTTP side of ``marsad run`` and ``marsad serve``: search page, JSON API (OpenAPI), live alerts, push."""
