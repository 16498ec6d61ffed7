# syndicator daemon image: non-root, state on a volume, healthcheck via `status --json`.
#   docker build -t syndicator .
#   docker run -d --name syndicator -v syndicator-state:/var/lib/syndicator \
#     -v $PWD/syndicator.yaml:/etc/syndicator/syndicator.yaml:ro --env-file .env syndicator
FROM python:3.12-slim

RUN useradd --system --create-home --home-dir /var/lib/syndicator --shell /usr/sbin/nologin syndicator
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && rm -rf /root/.cache

ENV SYNDICATOR_CONFIG=/etc/syndicator/syndicator.yaml \
    PYTHONUNBUFFERED=1
USER syndicator
VOLUME ["/var/lib/syndicator"]
WORKDIR /var/lib/syndicator
HEALTHCHECK --interval=1m --timeout=20s --start-period=30s \
  CMD syndicate status --json > /dev/null || exit 1
STOPSIGNAL SIGTERM
CMD ["syndicate", "run"]
