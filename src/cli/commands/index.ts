import type { Command } from '../command.js';
import { rfCommand } from './rf.js';
import { plotCommand } from './plot.js';
import { animateCommand } from './animate.js';
import { analyzeCommand } from './analyze.js';
import { runCommand } from './run.js';
import { benchCommand } from './bench.js';
import { serveCommand } from './serve.js';
import { streamCommand } from './stream.js';
import { generateCommand } from './generate.js';
import { summaryCommand } from './summary.js';

/** Every CLI command, in the order `atrous --help` lists them. Each lives in its own file beside this one. */
export const commands: Command[] = [rfCommand, plotCommand, animateCommand, analyzeCommand, summaryCommand, runCommand, streamCommand, generateCommand, benchCommand, serveCommand];
