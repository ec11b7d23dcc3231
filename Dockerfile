# One image for every traintrack service, installed from uv.lock; the command picks the
# service and process kind:  python -m traintrack.enrollment api|worker  (and so on).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/opt/traintrack PATH=/opt/traintrack/bin:$PATH
WORKDIR /app
RUN pip install uv==0.13.9
COPY pyproject.toml uv.lock .python-version ./
COPY shared/ shared/
COPY services/ services/
COPY tools/ tools/
# The dev stack is a workspace member, so uv reads it with the lock; it stays out of the image.
COPY infra/pyproject.toml infra/pyproject.toml
COPY infra/src/ infra/src/
RUN uv sync --locked --no-dev --no-editable --no-install-package traintrack-devstack \
    && useradd --system --home /app traintrack \
    && mkdir -p /var/lib/traintrack && chown traintrack /var/lib/traintrack
USER traintrack
EXPOSE 8000
CMD ["python", "-m", "traintrack.enrollment", "api"]
