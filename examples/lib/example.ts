/**
 * What every example is: a named, seeded experiment that trains or measures, prints a results table and writes
 * its figures into a folder it names. `smoke` runs the same code on fewer steps and smaller data (the test suite
 * runs it that way); the full run is what `docs/examples.md` quotes.
 */

/** How an example is run. */
export interface ExampleOptions {
  /** Fewer steps and samples: seconds instead of a minute, for `npm test`. */
  smoke: boolean;
  /** Seed of every random draw (data, initial weights, shuffles). */
  seed: number;
  /** Folder the figures are written to (created if missing). */
  outDir: string;
  /** Where the table and progress lines go. */
  log: (line: string) => void;
}

/** One results table: a title, column names and rows of cells already formatted for print. */
export interface ResultTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

/** What an example reports: its tables, the figures it wrote, and the facts a reader should take away. */
export interface ExampleResult {
  tables: ResultTable[];
  /** Paths of the figures written. */
  figures: string[];
  /** Raw numbers by name, for tests and `--json`. */
  metrics: Record<string, number | number[] | string>;
}

/** A runnable example. */
export interface Example {
  name: string;
  /** One line: which exercise of the tutorial it answers and how. */
  summary: string;
  run(options: ExampleOptions): Promise<ExampleResult>;
}
