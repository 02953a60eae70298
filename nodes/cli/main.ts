/**
 * The `wan-studio` command line. Exit codes: 0 ok, 1 invalid workflow or bad arguments,
 * 2 runtime error, 130 cancelled. User mistakes never print a stack trace.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRegistry } from '../host/engine-factory';
import { loadWorkflowFile } from '../host/load-workflow-file';
import { parseArgs, UsageError } from './args';
import { processIO, type CliIO } from './io';
import { EXIT, runCommand } from './run-command';

const HELP = `wan-studio — run Wan 2.2 video workflows

Usage:
  wan-studio run <workflow.json|video.mp4> [options]   run a workflow (or the one embedded in a video)
      --out DIR               output folder (default ./output)
      --set NODE.INPUT=VALUE  override one node input (repeatable)
      --param NAME=VALUE      set a named workflow parameter (repeatable)
      --output NODE           run only this output node (repeatable)
      --models DIR            model root in ComfyUI layout (repeatable; default ./models)
      --ep cpu|webgpu|cuda    execution provider (default cpu)
      --threads N             ONNX Runtime threads (0 = all cores)
      --no-disk-cache         do not use the on-disk result cache
      --json                  print exactly one JSON object on stdout
  wan-studio validate <workflow.json> [--json]   print every problem; exit 1 if invalid
  wan-studio nodes                               the node catalog as JSON
  wan-studio verify <case-dir>... [--verbose]     check the Wan implementation against reference cases
  wan-studio serve [--port N] [--host H]          browser mode (127.0.0.1:8188 by default; a token off loopback)
  wan-studio --version | --help
`;

async function validateCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { json: {} });
  const file = args.positional[0];
  if (args.positional.length !== 1 || file === undefined)
    throw new UsageError('validate takes exactly one workflow file');
  const registry = createRegistry();
  const loaded = await loadWorkflowFile(resolve(io.cwd, file), registry);
  const { validateWorkflow } = await import('../engine/validate');
  const problems = loaded.ok ? validateWorkflow(loaded.doc, registry) : loaded.problems;
  if (args.flags.has('json')) io.out(JSON.stringify({ ok: problems.length === 0, problems }));
  else if (problems.length === 0) io.out(`${file}: valid`);
  else for (const p of problems) io.out(`error: ${p.message}`);
  return problems.length === 0 ? EXIT.ok : EXIT.invalid;
}

function nodesCommand(argv: string[], io: CliIO): number {
  parseArgs(argv, {});
  io.out(JSON.stringify(createRegistry().catalog(), null, 2));
  return EXIT.ok;
}

async function verifyCommandEntry(argv: string[], io: CliIO): Promise<number> {
  const { verifyCommand } = await import('../runtime/verify/command');
  return verifyCommand(argv, (s) => io.out(s));
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest, io);
      case 'validate':
        return await validateCommand(rest, io);
      case 'nodes':
        return nodesCommand(rest, io);
      case 'serve':
        return await (await import('./serve-command')).serveCommand(rest, io);
      case 'verify':
        return await verifyCommandEntry(rest, io);
      case '--version':
      case '-v':
        io.out(version());
        return EXIT.ok;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(HELP);
        return command === undefined ? EXIT.invalid : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\nRun "wan-studio --help" for usage.`);
      return EXIT.invalid;
    }
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.WAN_STUDIO_DEBUG) io.err(e instanceof Error ? (e.stack ?? '') : '');
    return EXIT.runtime;
  }
}
