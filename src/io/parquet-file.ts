import { writeSync } from 'node:fs';
import { ByteWriter, ParquetWriter, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer';
import type { KeyValue } from 'hyparquet';
import { writeAtomicWith } from './atomic.js';

/** A column of a streamed Parquet file: its name and type, fixed before the first row is written. */
export interface ParquetColumn {
  name: string;
  type: 'STRING' | 'DOUBLE' | 'INT32';
}

/**
 * Rows per row group: hyparquet-writer's own default (1,000, then 100,000), so a file written in row groups has
 * the bytes `parquetWriteBuffer` gives for the same rows, and at most one row group is held at a time.
 */
export const ROW_GROUPS = [1000, 100000] as const;

/** The rows [start, end) of each row group of `count` rows. */
export function rowGroups(count: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0, g = 0; start < count; g++) {
    const end = Math.min(count, start + ROW_GROUPS[Math.min(g, ROW_GROUPS.length - 1)]);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** hyparquet-writer's buffer, emptied into a file descriptor after every row group. */
class FdWriter extends ByteWriter {
  constructor(private readonly fd: number) {
    super(1 << 20);
  }

  flush(): void {
    const bytes = this.getBytes();
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done);
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }
}

/**
 * Writes a Parquet file one row group at a time: `group(start, end)` gives the columns' values of rows
 * [start, end) (in `columns`' order), and only that group is held in memory. Atomic like writeFileAtomic: the
 * row groups go to a temporary file beside `file`, which is flushed and renamed into place at the end.
 */
export function writeParquetGroups(
  file: string,
  columns: readonly ParquetColumn[],
  count: number,
  group: (start: number, end: number) => unknown[][],
  kvMetadata?: KeyValue[],
): void {
  writeAtomicWith(file, (fd) => {
    const schema = schemaFromColumnData({
      columnData: columns.map((c) => ({ name: c.name, type: c.type, data: [] }) as ColumnSource),
    });
    const pq = new ParquetWriter({ writer: new FdWriter(fd), schema, kvMetadata });
    for (const [start, end] of rowGroups(count)) {
      const values = group(start, end);
      const columnData = columns.map((c, j) => ({ name: c.name, data: values[j] }) as ColumnSource);
      void pq.write({ columnData, rowGroupSize: end - start });
    }
    void pq.finish();
  });
}
