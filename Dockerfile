# Production image for Roundtable: web (gunicorn), Celery worker and Celery beat share it.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ROUNDTABLE_VAR_DIR=/app/var

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
RUN useradd --create-home roundtable \
    && mkdir -p /app/var \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && chown -R roundtable /app/var
USER roundtable

EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
