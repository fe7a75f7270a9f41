/**
 * `docinline serve` (and `npm start`): runs the gateway on PORT (default 8787) until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { startServer } from '../server.js';

export const summary = 'run the OpenAI-compatible gateway (http://127.0.0.1:8787/v1 by default)';

const USAGE = `Usage: docinline serve [--port N] [--host ADDR]

Runs the gateway. Point an OpenAI client at http://HOST:PORT/v1; requests are forwarded to
DOCINLINE_UPSTREAM_URL with documents inlined. Every setting is an environment variable (see README,
"Gateway"); --port and --host override PORT and HOST.
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string', short: 'p' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const env = { ...process.env };
  if (values.port !== undefined) env.PORT = values.port;
  if (values.host !== undefined) env.HOST = values.host;
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`docinline: refusing to start. ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const srv = await startServer({ config });
  const routes = Object.entries(config.upstream.routes);
  const lines = [
    `docinline listening on ${srv.url} (OpenAI base URL: ${srv.url}/v1)`,
    `forwarding to ${config.upstream.url}${config.upstream.textOnly ? ' (text-only: every image and file is inlined)' : ''}`,
    ...routes.map(([model, r]) => `  model ${model} -> ${r.url}${r.textOnly ? ' (text-only)' : ''}`),
    `auth: ${config.apiKeys.length ? `${config.apiKeys.length} API key(s) required` : 'off (set DOCINLINE_API_KEYS to require keys)'}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      process.stderr.write(`docinline: ${sig}, shutting down\n`);
      srv.close().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
