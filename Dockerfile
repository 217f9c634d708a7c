# The marsad image: `marsad worker`, `marsad produce`, and scripts/kibana-import (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . .
# Default extras only: the neural NER extra (camel-tools, torch) is not installed.
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --no-create-home marsad \
    && mkdir -p /app/data \
    && chown marsad /app/data

# marsad finds config/ (alert rules, gazetteer, boilerplate, index templates) beside its package
# directory; /app first on the path makes that /app/config rather than a site-packages directory
# without it. The installed distribution still provides the `marsad` command and the dependencies.
ENV PYTHONPATH=/app \
    MARSAD_HTTP_HOST=0.0.0.0 \
    MARSAD_HTTP_PORT=8080

USER marsad
EXPOSE 8080
CMD ["marsad", "worker"]
