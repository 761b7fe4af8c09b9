FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 ENVIRONMENT=production
COPY --from=build /install /usr/local
COPY docker/entrypoint.sh /usr/local/bin/aurum-entrypoint
# A fixed uid and gid, so Kubernetes' runAsUser/runAsGroup can name them
# (deploy/kubernetes/deployment.yaml).
RUN groupadd --system --gid 10001 aurum \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --create-home aurum
WORKDIR /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=2).status != 200)"
ENTRYPOINT ["aurum-entrypoint"]
