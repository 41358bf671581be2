# One image for every Klantcentraal service; the command picks the entry point (default: all services on one port).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
EXPOSE 3000
# The TypeScript sources run through SWC's require hook (infra/scripts/register.js), as in `npm start`.
CMD ["node", "-r", "./infra/scripts/register.js", "apps/platform/src/main.ts"]
