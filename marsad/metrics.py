"""Every Prometheus metric marsad exports, in one place. Names start with ``marsad_`` and carry units."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram
