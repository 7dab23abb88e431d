# syntax=docker/dockerfile:1
# Production image: gunicorn with config.settings.production, static files collected at
# build time, run as an unprivileged user. Configuration comes from the environment (see
# README.md, "Déployer / Deploy").

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libjpeg62-turbo-dev zlib1g-dev libwebp-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN python -m venv /venv && /venv/bin/pip install --upgrade pip && /venv/bin/pip install .
COPY . .
# collectstatic needs the production settings to import: give it throwaway values that are
# never used at run time.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY=build-only-collectstatic-key-0123456789-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build \
    WAGTAILADMIN_BASE_URL=https://build.invalid \
    STATIC_ROOT=/app/staticfiles \
    /venv/bin/python manage.py collectstatic --no-input

FROM python:3.11-slim-bookworm AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo zlib1g libwebp7 curl \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin portail
# The observatory's barometer PDF: WeasyPrint needs Pango and HarfBuzz's subsetter.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    PORT=8000 \
    WEB_CONCURRENCY=3 \
    FORWARDED_ALLOW_IPS=127.0.0.1,::1 \
    PROXY_COUNT=0
# FORWARDED_ALLOW_IPS: addresses of the TLS proxy whose X-Forwarded-Proto gunicorn trusts
# (gunicorn reads the variable itself; set the proxy's address or network, never '*').
# PROXY_COUNT: trusted proxies in front of the app; the visitor's address, for every rate
# limit and the login lockout, is the one the first of them saw (0 ignores X-Forwarded-For).
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build --chown=portail:portail /app /app
# Uploaded media: this volume, unless AWS_STORAGE_BUCKET_NAME puts them in S3-compatible
# object storage (the AWS_* variables in README.md), which several containers can share.
RUN mkdir -p /app/media && chown portail:portail /app/media
USER portail
EXPOSE 8000
VOLUME ["/app/media"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl --fail --silent http://127.0.0.1:${PORT}/healthz || exit 1
# postgresql-client (bookworm: 15) gives `manage.py backup`/`restore` pg_dump and pg_restore;
# its major version must be at least the server's (compose.yaml runs PostgreSQL 15).
# Migrations run as a separate step before the new version takes traffic:
#   docker compose run --rm web python manage.py migrate
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY} --access-logfile -"]
