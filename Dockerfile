# syntax=docker/dockerfile:1
# Production image: gunicorn (web), celery worker and celery beat all run from it (see
# docker-compose.yml and deploy/kubernetes/). Only requirements/production.txt is installed,
# hash-checked; no test tools, no embedded servers, no system packages beyond the slim base.

# --- 1. Dependencies into a virtual environment --------------------------------------------------
FROM python:3.11-slim-bookworm AS dependencies
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements/production.txt /tmp/production.txt
RUN /opt/venv/bin/pip install --require-hashes --only-binary=:all: -r /tmp/production.txt

# --- 2. The runtime image --------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/app/media
# A fixed uid/gid (10001) so volumes and Kubernetes' runAsUser/fsGroup agree with the image.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin app
COPY --from=dependencies /opt/venv /opt/venv
WORKDIR /app
# The code stays owned by root (read-only to the app); .dockerignore keeps .env, .venv, .data, .git,
# media and test artefacts out. The Korean catalogue (locale/ko/LC_MESSAGES/django.mo) is committed,
# so no gettext here.
COPY . .
# Hashed static files and their manifest, made with throwaway build-only settings (no secrets in
# the image); MEDIA_ROOT owned by the app user, so a new named volume mounted there is too.
RUN DJANGO_SETTINGS_MODULE=config.settings.build python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER 10001:10001
EXPOSE 8000
# --no-control-socket: gunicorn 25+ would otherwise make a control socket under $HOME, which the
# read-only root (Kubernetes, compose) refuses; nothing here uses gunicornc.
CMD ["gunicorn", "-c", "config/gunicorn.py", "--no-control-socket", "config.wsgi"]
