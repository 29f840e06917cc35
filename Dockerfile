# The production image: gunicorn serves the portal, the same image runs the Celery worker.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=smartindustry.settings.production
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
# collectstatic at build time: the image always carries the static files and their manifest. If it fails (an asset
# references a missing file), the build fails; without a manifest every page would answer 500. gunicorn.conf.py
# also refuses to start without one.
RUN pip install --no-cache-dir . \
 && SECRET_KEY=build-time-only-build-time-only-build-time ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
 && test -s staticfiles/staticfiles.json
RUN useradd --create-home portal && mkdir -p /app/media && chown -R portal /app
USER portal
EXPOSE 8000
# Workers, timeouts and the start-up check live in gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_TIMEOUT, …).
CMD ["gunicorn", "smartindustry.wsgi:application", "--config", "gunicorn.conf.py"]
