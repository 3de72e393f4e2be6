# syntax=docker/dockerfile:1
# The server image. Dependencies are installed in the full node image, which has the C++ toolchain
# argon2 falls back to when its prebuilt binary does not load; the runtime image is slim (same
# Debian release, so the built addon matches it).
FROM node:24 AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and only readable by the app user: the server cannot rewrite its own code.
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY views ./views
COPY config ./config
# The core-banking gateway contract: the connector checks every answer against it.
COPY docs/openapi ./docs/openapi
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node 24 runs the TypeScript sources directly (type stripping); there is no build step.
CMD ["node", "src/main.ts"]
