#!/usr/bin/env node
// The installed `lensfind` command (package.json `bin`, compiled to dist/cli/bin.js); bin/lensfind.js runs the
// TypeScript sources through tsx for development.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
