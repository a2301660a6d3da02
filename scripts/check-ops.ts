// Checks the op table (src/torch/op-table.ts) against the addon's C++ sources: every op a macro line registers
// (LF_EXPORT, LF_BINARY, LF_UNARY and their in-place `_` forms) is in the table with as many arguments as its
// body reads (info[0..n-1]), and the table has nothing else. Run: npx tsx scripts/check-ops.ts
// (test/torch/op-table.test.ts runs it too, and compares the table with the built addon's exports).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPS } from '../src/torch/op-table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sourceDir = path.resolve(here, '../native/src');

/** One op as the C++ registers it: its name, the file, and how many `info[i]` arguments its body reads. */
export interface CppOp {
  name: string;
  file: string;
  arity: number;
}

// The macros that register a binding, and how many arguments the macro's own body reads.
const MACRO_ARITY: Record<string, number> = { EXPORT: 0, BINARY: 2, BINARY_: 2, UNARY: 1, UNARY_: 1 };
const REGISTRATION = /^LF_(EXPORT|BINARY_?|UNARY_?)\((\w+)/gm;

/** The ops registered in native/src/*.cc, in file order. */
export function cppOps(dir = sourceDir): CppOp[] {
  const ops: CppOp[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.cc'))
    .sort()) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const found = [...text.matchAll(REGISTRATION)];
    found.forEach((m, i) => {
      // the op's text runs to the next registration (or the end of the file)
      const body = text.slice(m.index, i + 1 < found.length ? found[i + 1].index : text.length);
      const read = [...body.matchAll(/info\[(\d+)\]/g)].map((r) => Number(r[1]) + 1);
      ops.push({ name: m[2], file, arity: Math.max(MACRO_ARITY[m[1]], ...read) });
    });
  }
  return ops;
}

/** What disagrees between the table and the C++ (empty when they agree). */
export function checkOpTable(ops: CppOp[] = cppOps()): string[] {
  const problems: string[] = [];
  const table = OPS as Record<string, { args: readonly string[] }>;
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.name)) problems.push(`${op.name} is registered twice (again in native/src/${op.file})`);
    seen.add(op.name);
    const spec = table[op.name];
    if (!spec) {
      problems.push(`${op.name} (native/src/${op.file}) is missing from src/torch/op-table.ts`);
    } else if (spec.args.length !== op.arity) {
      problems.push(
        `${op.name}: the table declares ${spec.args.length} argument(s), native/src/${op.file} reads ${op.arity}`,
      );
    }
  }
  for (const name of Object.keys(table)) {
    if (!seen.has(name))
      problems.push(`${name} is in src/torch/op-table.ts but no native/src/*.cc registers it`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkOpTable();
  for (const p of problems) console.error(p);
  console.log(`${cppOps().length} ops in native/src, ${Object.keys(OPS).length} in the table`);
  process.exit(problems.length ? 1 : 0);
}
