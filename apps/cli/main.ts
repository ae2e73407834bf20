import 'reflect-metadata';
import { Command, Option } from 'commander';
import { SETTINGS } from '@timeline/config';
import { demoCommand } from './demo.command';
import { extractCommand } from './extract.command';
import { ingestCommand } from './ingest.command';
import { evalCommand } from './eval.command';
import { corpusDir } from './paths';
import { registerAuditCommands } from './audit.command';
import { registerFeedCommands } from './feeds.command';
import { registerReextractCommands } from './reextract.command';
import { registerDeadLetterCommands } from './dead-letters.command';

/** The `timeline` command line (package.json "bin"). */
export function buildCli(): Command {
  const program = new Command('timeline')
    .description('Event-sourced statement timelines from news wire items: who said what, when, through whom.')
    .showHelpAfterError()
    .addHelpText(
      'after',
      `\nEnvironment (defaults in brackets):\n${SETTINGS.map((s) => `  ${s.env.padEnd(20)} ${s.doc}${s.default ? ` [${s.default}]` : ''}`).join('\n')}\n`,
    );

  program
    .command('demo')
    .description('Run the whole pipeline on the sample feed and print each story timeline (starts NATS/PGlite if needed).')
    .option('--corpus <dir>', 'corpus folder holding articles/*.json', corpusDir())
    .option('--keep', 'keep the apps running after printing, until Ctrl-C')
    .action(async (o) => {
      process.exitCode = await demoCommand({ corpus: o.corpus, keep: o.keep });
    });

  program
    .command('ingest')
    .argument('<inputs...>', 'ninjs item files, folders of *.json, or - for standard input')
    .description('Send wire items to the running ingest app (POST /items), oldest firstcreated first.')
    .addOption(new Option('--url <url>', 'ingest app URL').default(`http://127.0.0.1:${process.env.INGEST_PORT ?? 3001}`))
    .action(async (inputs: string[], o) => {
      process.exitCode = await ingestCommand(inputs, { url: o.url });
    });

  program
    .command('extract')
    .argument('<items...>', 'ninjs item files or folders')
    .description('Run the extractor alone (no servers) on the items as one batch; print one JSON object per item per line, in the corpus answer-key schema.')
    .action((items: string[]) => {
      process.exitCode = extractCommand(items);
    });

  program
    .command('eval')
    .description('Score the extractor on the corpus answer keys (a measurement, not a test); prints a table and writes JSON.')
    .option('--corpus <dir>', 'corpus folder with articles/ and gold/', corpusDir())
    .option('--out <file>', 'where to write the JSON report', 'eval-results/eval.json')
    .action((o) => {
      process.exitCode = evalCommand({ corpus: o.corpus, out: o.out });
    });

  // Further command groups register themselves here (one line each).
  registerAuditCommands(program);
  registerFeedCommands(program);
  registerReextractCommands(program);
  registerDeadLetterCommands(program);
  return program;
}

/** Parse `argv` and run the command; errors become a one-line message and exit code 1. */
export function runCli(argv: string[] = process.argv): Promise<unknown> {
  return buildCli()
    .parseAsync(argv)
    .catch((err) => {
      console.error(`timeline: ${err.message}`);
      process.exitCode = 1;
    });
}

if (require.main === module) void runCli();
