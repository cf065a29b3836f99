# The action server: the official rasa-sdk image (the lock's version), plus actions/ and the pure core.
FROM rasa/rasa-sdk:3.6.2

USER root
WORKDIR /app
COPY constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt sqlalchemy alembic pyyaml pycountry rapidfuzz psycopg2-binary
COPY bot ./bot
COPY actions ./actions
ENV PYTHONPATH=/app

USER 1001
EXPOSE 5055
CMD ["start", "--actions", "actions", "--port", "5055"]
