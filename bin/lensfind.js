#!/usr/bin/env node
// The `lensfind` command (package.json `bin`). In a checkout it runs the TypeScript sources through tsx: nothing to
// build first, and an edit takes effect at once. In the installed package, which ships neither src/ nor tsx, it
// runs the compiled dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (existsSync(source)) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch (err) {
    // a checkout installed without dev dependencies: the compiled code, if it was built
    if (!existsSync(compiled))
      throw new Error(
        `lensfind: cannot run src/ without tsx (npm ci installs it) and dist/ is not built (npm run build): ${err.message}`,
      );
  }
  if (register) {
    register();
    ({ main } = await import(source.href));
  }
}
main ??= (await import(compiled.href)).main;
process.exitCode = await main(process.argv.slice(2));
