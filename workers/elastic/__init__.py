"""Elasticsearch side of marsad: index templates and the indices behind them."""
