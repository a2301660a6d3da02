import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LensfindError, TorchError } from '../errors.js';
import { OPS, type NativeAddon, type OpName } from './op-table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const addonPath = path.resolve(here, '../../native/build/Release/lensfind_torch.node');

let addon: NativeAddon | undefined;

/**
 * The compiled libtorch addon, loaded on first use with an error that says how to build it, typed by the op
 * table (op-table.ts). Every op is wrapped once here, the one place where libtorch failures cross into
 * TypeScript, so a Tensor method, a free function and F.* all throw the same TorchError.
 */
export function native(): NativeAddon {
  if (addon) return addon;
  if (!existsSync(addonPath)) {
    throw new LensfindError(
      'E_NO_ADDON',
      `the libtorch addon is not built (${addonPath} is missing). Run: npm run build:native in a checkout, ` +
        `or npm rebuild lensfind where it is installed (it needs libtorch: sudo apt-get install libtorch-dev, ` +
        `or LIBTORCH=/path/to/libtorch)`,
    );
  }
  const raw = createRequire(import.meta.url)(addonPath) as Record<string, unknown>;
  addon = wrapOps(raw);
  return addon;
}

/** libtorch's message as a TorchError naming the op (errors lensfind raised itself pass through). */
export function torchError(op: string, err: unknown): Error {
  if (err instanceof LensfindError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new TorchError(`${op}: ${detail}`, op, detail);
}

function wrapOps(raw: Record<string, unknown>): NativeAddon {
  const out: Record<string, unknown> = { libtorchVersion: raw.libtorchVersion };
  for (const name of Object.keys(OPS) as OpName[]) {
    const fn = raw[name];
    if (typeof fn !== 'function') {
      throw new LensfindError(
        'E_NO_ADDON',
        `the libtorch addon at ${addonPath} has no op '${name}': it is older than the sources; ` +
          `run: npm run build:native`,
      );
    }
    const bound = fn as (...args: unknown[]) => unknown;
    out[name] = (...args: unknown[]) => {
      try {
        return bound(...args);
      } catch (e) {
        throw torchError(name, e);
      }
    };
  }
  return out as NativeAddon;
}

export function libtorchVersion(): string {
  return native().libtorchVersion;
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
