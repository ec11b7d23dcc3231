# One image for every traintrack service; the command picks the service and process kind:
#   python -m enrollment.main api | python -m outcomes.main worker | ...
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY shared/ shared/
COPY services/ services/
RUN pip install ./shared ./services/enrollment ./services/evaluation ./services/matching \
        ./services/outcomes ./services/operations \
    && useradd --system --home /app traintrack \
    && mkdir -p /var/lib/traintrack && chown traintrack /var/lib/traintrack
USER traintrack
EXPOSE 8000
CMD ["python", "-m", "enrollment.main", "api"]
