// CLI entry of the demo model: `node dist/demoServer.js [--port N] [--step-delay-ms N] [--codex-home DIR]`.
import { writeCodexHome } from './codexHome';
import { startFakeResponsesServer } from './fakeResponsesServer';

interface Args {
  port: number;
  stepDelayMs: number;
  codexHome?: string;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: demoServer [--port N] [--step-delay-ms N] [--codex-home DIR]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { port: 0, stepDelayMs: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag !== '--port' && flag !== '--step-delay-ms' && flag !== '--codex-home') usage(`unknown option ${flag}`);
    if (value === undefined) usage(`missing value for ${flag}`);
    i++;
    if (flag === '--codex-home') {
      args.codexHome = value;
      continue;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) usage(`${flag} needs a non-negative integer, got ${value}`);
    if (flag === '--port') args.port = n;
    else args.stepDelayMs = n;
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const server = await startFakeResponsesServer({ port: args.port, stepDelayMs: args.stepDelayMs });
  if (args.codexHome) writeCodexHome(args.codexHome, { baseUrl: server.url });
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  // Handlers first: a parent may send SIGTERM as soon as it reads the line below.
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // One JSON line on stdout is the whole interface for whoever spawned us (launch script, tests).
  process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo model failed to start: ${String(err)}\n`);
  process.exit(1);
});
