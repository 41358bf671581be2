// Runs the TypeScript sources directly (npm start, demo, bench, CLIs): SWC transpiles on load, keeping decorator
// metadata for NestJS and resolving the @klantcentraal/* path aliases of tsconfig.base.json.
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', '..', 'tsconfig.base.json');
require('@swc-node/register');
