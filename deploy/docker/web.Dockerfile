# The demo page and the chat widget (scripts/web_server.py, standard library only), with the socket.io
# client from npm.
FROM node:20-alpine AS widget
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

FROM python:3.10-slim
WORKDIR /app
COPY scripts/web_server.py ./scripts/
COPY web ./web
COPY --from=widget /web/node_modules ./web/node_modules
USER 1001
EXPOSE 8080
ENV WEB_HOST=0.0.0.0 WEB_PORT=8080
CMD ["python", "scripts/web_server.py"]
