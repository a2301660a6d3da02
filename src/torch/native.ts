import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
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
      `the libtorch addon is not built (${addonPath} is missing). Run: npm run build:native in a checkout, ` +
        `or npm rebuild lensfind where it is installed (it needs libtorch: sudo apt-get install libtorch-dev, ` +
        `or LIBTORCH=/path/to/libtorch)`,
    );
  }
  addon = createRequire(import.meta.url)(addonPath);
  return addon;
}

export function libtorchVersion(): string {
  return native().libtorchVersion as string;
}

/** Where the addon's libtorch came from (recorded by the build), and the addon file. */
export function libtorchSource(): string {
  const info = path.join(path.dirname(path.dirname(addonPath)), 'libtorch.json');
  try {
    const found = JSON.parse(readFileSync(info, 'utf8')) as { source: string; root: string };
    return `${found.source}: ${found.root}; addon ${addonPath}`;
  } catch {
    return `addon ${addonPath}`;
  }
}
