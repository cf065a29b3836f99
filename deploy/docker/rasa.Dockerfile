# The Rasa server: the official image, plus this project's code and its trained model.
# Built from the repository root by docker-compose.yml (context: .).
FROM rasa/rasa:3.6.21-full

USER root
WORKDIR /app
COPY constraints.txt ./
# What bot/ and rasa_addons/ need beyond Rasa, at the lock's versions (-c: Rasa's own pins stay).
RUN pip install --no-cache-dir -c constraints.txt alembic pycountry rapidfuzz psycopg2-binary redis spacy
COPY bot ./bot
COPY rasa_addons ./rasa_addons
COPY scripts/__init__.py scripts/runtime_config.py ./scripts/
COPY config.yml domain.yml endpoints.yml credentials.yml ./
COPY data ./data
COPY deploy/docker/rasa-entrypoint.sh /usr/local/bin/rasa-entrypoint.sh
ENV PYTHONPATH=/app RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
# The project's spaCy pipeline and the model, built into the image: every replica runs the same model.
RUN python -m bot.nlp.build build/spacy_pipeline \
    && rasa train --fixed-model-name hkta --out models \
    && mkdir -p var && chown -R 1001 /app

USER 1001
EXPOSE 5005
ENTRYPOINT ["/usr/local/bin/rasa-entrypoint.sh"]
