/**
 * Starts the real gateway (adapters/node/server.ts) on a loopback port for a test, with a throwaway data
 * folder, pointed at a backend (usually the fake upstream).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type StartOptions } from '../../adapters/node/server.js';

export interface TestGateway extends RunningServer {
  /** OpenAI base URL (…/v1). */
  baseURL: string;
}

export async function startGateway(env: Record<string, string> = {}, opts: Omit<StartOptions, 'env' | 'config'> = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'docinline-gw-'));
  const srv = await startServer({
    ...opts,
    env: { PORT: '0', HOST: '127.0.0.1', DOCINLINE_DATA_DIR: dataDir, DOCINLINE_LOG_LEVEL: process.env.DOCINLINE_TEST_LOG ?? 'silent', ...env },
  });
  return {
    ...srv,
    baseURL: `${srv.url}/v1`,
    async close() {
      await srv.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
