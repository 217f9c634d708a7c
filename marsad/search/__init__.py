"""Embedded full-text search with the same Arabic analysis as the Elasticsearch templates."""
