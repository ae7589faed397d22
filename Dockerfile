# syntax=docker/dockerfile:1
# Build: compile TypeScript and generate the Prisma client (WebAssembly; no engine download needed).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-engine-stub.sh ./scripts/prisma-engine-stub.sh
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies, compiled code and the SQL migrations only.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    EMBEDDED_DATA_DIR=/app/data/pglite
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma/migrations ./prisma/migrations
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# 9464: /metrics when run with METRICS_PORT=9464 (see README, Deployment).
EXPOSE 3000 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrations are a release step, run before new replicas start: docker run ... node dist/cli/migrate.js
CMD ["node", "dist/server.js"]
