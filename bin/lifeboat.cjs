#!/usr/bin/env node
// The `lifeboat` command: loads the TypeScript CLI through tsx (a runtime dependency for this).
'use strict';

// The SDK's notice that Node 20 support ends is noise for an operator's tool.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
const { main } = require('../lib/cli/main.ts');

// With --endpoint, started executions run in this process (local/cli-local.ts), since moto only
// records them. It is loaded only then: local/ needs devDependencies. LIFEBOAT_LOCAL_RUNNER=off is
// for an emulator that runs executions itself.
const localRunner =
  process.env.LIFEBOAT_LOCAL_RUNNER === 'off'
    ? undefined
    : async () => require('../local/cli-local.ts').cliLocalRunner(process.env);

main(process.argv.slice(2), { localRunner }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`lifeboat: ${error?.stack ?? error}`);
    process.exitCode = 1;
  },
);
