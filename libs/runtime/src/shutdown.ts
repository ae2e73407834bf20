/**
 * On SIGTERM/SIGINT: run `close` (stop taking work, finish or nak in-flight
 * messages, commit) and exit; exit 1 if it takes longer than
 * SHUTDOWN_GRACE_MS (default 10 s).
 */
export function installShutdown(name: string, close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (sig: string) => {
    if (closing) return;
    closing = true;
    const grace = Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000);
    const timer = setTimeout(() => {
      console.error(`${name}: shutdown took longer than ${grace} ms, exiting`);
      process.exit(1);
    }, grace);
    timer.unref();
    close()
      .then(() => process.exit(0))
      .catch((err) => {
        console.error(`${name}: error during shutdown (${sig}): ${err.message}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

/** Nest log levels at and above `level` (error, warn, log, debug, verbose). */
export function logLevels(level: string): Array<'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose'> {
  const all = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  const i = all.indexOf(level as (typeof all)[number]);
  return all.slice(0, i < 0 ? 4 : i + 1);
}
