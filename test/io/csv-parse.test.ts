import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCsv, parseCsv, parseCsvColumns } from '../../src/io/csv.js';
import { DataError } from '../../src/errors.js';
import { mulberry32 } from '../helpers/mulberry32.js';

test('CSV fields: quotes, doubled quotes, embedded commas and newlines, CRLF, blank lines, empty last field', () => {
  const text = 'a, b ,c\r\n"x,1","say ""hi""","two\nlines"\r\n\r\nplain,,\nq"uo"ted,"",end';
  const rows = [
    { a: 'x,1', b: 'say "hi"', c: 'two\nlines' },
    { a: 'plain', b: '', c: '' },
    { a: 'quoted', b: '', c: 'end' },
  ];
  assert.deepEqual(parseCsv(text), rows);
  assert.deepEqual(parseCsvColumns(text), {
    header: ['a', 'b', 'c'],
    columns: [
      ['x,1', 'plain', 'quoted'],
      ['say "hi"', '', ''],
      ['two\nlines', '', 'end'],
    ],
  });
});

test('CSV round trip: what formatCsv writes, parseCsv and parseCsvColumns read back', () => {
  const rand = mulberry32(5);
  const alphabet = ['a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '1', '.'];
  const word = () =>
    Array.from({ length: Math.floor(rand() * 6) }, () => alphabet[Math.floor(rand() * 10)]).join('');
  const columns = ['id', 'text', 'more'];
  const rows = Array.from({ length: 300 }, (_, k) => ({ id: `r${k}`, text: word(), more: word() }));
  const text = formatCsv(rows, columns);
  assert.deepEqual(parseCsv(text), rows);
  const byColumn = parseCsvColumns(text);
  assert.deepEqual(byColumn.header, columns);
  columns.forEach((c, j) =>
    assert.deepEqual(
      byColumn.columns[j],
      rows.map((r) => r[c as keyof (typeof rows)[0]]),
    ),
  );
});

test('bad CSV: an unterminated quote and a short line name the source and the line', () => {
  assert.throws(
    () => parseCsvColumns('a,b\n"x,1\n', 'f.csv'),
    (e) => e instanceof DataError && /f\.csv: unterminated/.test(e.message),
  );
  assert.throws(
    () => parseCsvColumns('a,b\n1,2\n3\n', 'f.csv'),
    (e) => e instanceof DataError && /f\.csv: line 3 has 1 fields, the header has 2/.test(e.message),
  );
  assert.throws(() => parseCsv('', 'e.csv'), /e\.csv: empty CSV file/);
});
