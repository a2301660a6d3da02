#!/usr/bin/env node
// Lists the functions longer than a number of lines under some folders, longest first (issue 12: none over ~80
// lines in train/, eval/, predict/, infer/). Usage: node scripts/long-functions.mjs 80 src/train src/eval
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const [min, ...roots] = process.argv.slice(2);
const files = [];
const walk = (p) =>
  statSync(p).isDirectory()
    ? readdirSync(p).forEach((f) => walk(path.join(p, f)))
    : p.endsWith('.ts') && files.push(p);
roots.forEach(walk);
const rows = [];
for (const file of files) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (n) => {
    if (
      ts.isFunctionDeclaration(n) ||
      ts.isMethodDeclaration(n) ||
      ts.isArrowFunction(n) ||
      ts.isFunctionExpression(n) ||
      ts.isConstructorDeclaration(n)
    ) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line + 1;
      const name =
        n.name?.getText() ?? (ts.isVariableDeclaration(n.parent) ? n.parent.name.getText() : '(anonymous)');
      if (last - first + 1 > Number(min ?? 80)) rows.push([last - first + 1, `${file}:${first}`, name]);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}
rows.sort((a, b) => b[0] - a[0]).forEach((r) => console.log(r.join('\t')));
