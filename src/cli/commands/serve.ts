import type { Command } from '../command.js';
import { LensfindError } from '../../errors.js';

export const serveCommand: Command = {
  name: 'serve',
  summary:
    'A web page to follow runs (headline metrics, live curves, evaluation plots, runs side by side) and to grade ' +
    'candidates of a catalogue with the keyboard (grades kept in SQLite beside the catalogue); binds 127.0.0.1.',
  usage: '[--runs runs/] [--catalog candidates.parquet] [--port 8080]',
  options: {
    runs: { type: 'string', description: 'a folder of run folders', valueName: 'DIR' },
    catalog: {
      type: 'string',
      description: 'a candidate catalogue to grade (.parquet or .csv)',
      valueName: 'FILE',
    },
    'path-column': {
      type: 'string',
      description: 'the column of cutout paths (default: path)',
      valueName: 'NAME',
    },
    images: {
      type: 'string',
      description: "a folder cutouts may be read from besides the catalogue's (e.g. the data predict scored)",
      valueName: 'DIR',
    },
    grades: {
      type: 'string',
      description: 'the grades database (default: <catalogue>.grades.sqlite beside it)',
      valueName: 'FILE',
    },
    export: {
      type: 'string',
      description: 'write the catalogue joined with its grades (.csv or .parquet) and exit, without serving',
      valueName: 'FILE',
    },
    port: { type: 'string', description: 'port (0: any free one)', valueName: 'N', default: '8080' },
    host: { type: 'string', description: 'address to bind', valueName: 'ADDR', default: '127.0.0.1' },
    'allow-remote': {
      type: 'boolean',
      description: 'allow a --host beyond loopback (then every grader needs the token printed for them)',
    },
    graders: {
      type: 'string',
      description: 'grader names, comma-separated (tokens for --allow-remote)',
      valueName: 'A,B',
    },
    help: { type: 'boolean', short: 'h', description: 'show this help' },
  },
  async run({ values }) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new LensfindError('E_USAGE', `--port ${String(values.port)}: expected an integer in [0, 65535]`);
    const web = await import('../../web/index.js');
    const catalog = values.catalog as string | undefined;
    if (values.export) {
      if (!catalog) throw new LensfindError('E_USAGE', '--export needs --catalog FILE');
      const table = await web.readCatalogTable(catalog);
      const store = new web.GradeStore((values.grades as string | undefined) ?? web.gradesFileFor(catalog));
      try {
        console.log(`wrote ${web.exportGrades(table, store, values.export as string)}`);
      } finally {
        store.close();
      }
      return;
    }
    const server = await web.startServer({
      runs: values.runs as string | undefined,
      catalog,
      pathColumn: values['path-column'] as string | undefined,
      images: values.images as string | undefined,
      grades: values.grades as string | undefined,
      port,
      host: values.host as string,
      allowRemote: values['allow-remote'] === true,
      graders:
        typeof values.graders === 'string' ? values.graders.split(',').map((g) => g.trim()) : undefined,
    });
    if (server.catalog) {
      const { table, store } = server.catalog;
      console.log(
        `catalogue ${table.file}: ${table.n} candidates (read and sorted in ${Math.round(server.catalogMs!)} ms); grades in ${store.file}`,
      );
    }
    if (server.links.length) for (const l of server.links) console.log(`${l.grader}: ${l.url}`);
    else console.log(`serving on ${server.url}`);
    console.log('Ctrl-C stops the server (every grade is already saved)');
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
