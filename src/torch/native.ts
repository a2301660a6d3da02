import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LensfindError } from '../errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const addonPath = path.resolve(here, '../../native/build/Release/lensfind_torch.node');

type Addon = any;
let addon: Addon | undefined;

/** The compiled libtorch addon, loaded on first use with an error that says how to build it. */
export function native(): Addon {
  if (addon) return addon;
  if (!existsSync(addonPath)) {
    throw new LensfindError(
      'E_NO_ADDON',
      `the libtorch addon is not built (${addonPath} is missing). Run: npm run build:native ` +
        `(it needs libtorch: sudo apt-get install libtorch-dev, or LIBTORCH=/path/to/libtorch)`,
    );
  }
  addon = createRequire(import.meta.url)(addonPath);
  return addon;
}

export function libtorchVersion(): string {
  return native().libtorchVersion as string;
}

export function libtorchSource(): string {
  return addonPath;
}
