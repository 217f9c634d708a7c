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

# The shipped config/ (alert rules, gazetteer, boilerplate, index templates) is package data;
# MARSAD_CONFIG_DIR points marsad at another directory.
ENV MARSAD_HTTP_HOST=0.0.0.0 \
    MARSAD_HTTP_PORT=8080

USER marsad
EXPOSE 8080
CMD ["marsad", "worker"]
