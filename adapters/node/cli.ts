/**
 * `docinline <command> [args]`: each command lives in ./commands/<name>.js and is loaded only when
 * called, so `docinline parse` never loads the server and vice versa.
 *
 * A command module exports `run(args: string[]): Promise<number | void>` (the exit status) and may
 * export `summary` (one line for the usage text). Errors it throws are printed as one line, without a
 * stack trace, and exit with status 1.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CommandModule {
  run(args: string[]): Promise<number | void>;
  summary?: string;
}

const commandsDir = new URL('./commands/', import.meta.url);

function available(): string[] {
  try {
    return readdirSync(fileURLToPath(commandsDir))
      .filter((f) => /^[a-z][a-z0-9-]*\.js$/.test(f))
      .map((f) => f.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

async function usage(stream: NodeJS.WriteStream): Promise<void> {
  const lines = ['Usage: docinline <command> [options]', '', 'Commands:'];
  for (const name of available()) {
    let summary = '';
    try {
      summary = ((await import(new URL(`${name}.js`, commandsDir).href)) as CommandModule).summary ?? '';
    } catch {
      // a command that cannot load is still listed
    }
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push('', 'Run `docinline <command> --help` for a command\'s options.');
  stream.write(lines.join('\n') + '\n');
}

function message(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const code = (e as { code?: unknown }).code;
    return `${(e as Error).message}${typeof code === 'string' && /^[a-z_]+$/.test(code) ? ` (${code})` : ''}`;
  }
  return String(e);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    await usage(cmd ? process.stdout : process.stderr);
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-v') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };
    process.stdout.write(pkg.version + '\n');
    return 0;
  }
  if (!/^[a-z][a-z0-9-]*$/.test(cmd) || !available().includes(cmd)) {
    process.stderr.write(`docinline: unknown command "${cmd}"\n\n`);
    await usage(process.stderr);
    return 2;
  }
  const mod = (await import(new URL(`${cmd}.js`, commandsDir).href)) as CommandModule;
  const status = await mod.run(rest);
  return typeof status === 'number' ? status : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`docinline: ${message(e)}\n`);
  process.exitCode = 1;
}
