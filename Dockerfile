# kwippy's web image: gunicorn serving config.wsgi, static files collected at build time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic only reads files: a throwaway key and the default URLs are enough at build time.
RUN DEBUG=0 SECRET_KEY=build-time-only-key-not-used-at-run-time-0123456789abcdef \
    python manage.py collectstatic --noinput --verbosity 0 \
 && useradd --system --uid 10001 --home-dir /app kwippy \
 && chown -R kwippy /app/var

USER kwippy
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn config.wsgi --config gunicorn.conf.py --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
