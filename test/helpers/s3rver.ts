import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';

/**
 * A real S3-compatible server (s3rver) on a free loopback port, with one empty bucket, storing under a
 * fresh temp directory. `env` is what the docinline server needs to use it.
 */
export interface S3rverHandle {
  endpoint: string;
  port: number;
  bucket: string;
  directory: string;
  env: Record<string, string>;
  /** Options for S3BlobStore / @aws-sdk/client-s3. */
  options: { bucket: string; endpoint: string; region: string; prefix: string; forcePathStyle: boolean; accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

export async function startS3rver(opts: { bucket?: string; prefix?: string; port?: number; directory?: string } = {}): Promise<S3rverHandle> {
  const bucket = opts.bucket ?? 'docinline-test';
  const prefix = opts.prefix ?? 'docinline/';
  const directory = opts.directory ?? mkdtempSync(path.join(tmpdir(), 'docinline-s3rver-'));
  const server = new S3rver({
    port: opts.port ?? 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const info = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${info.port}`;
  const options = { bucket, endpoint, region: 'us-east-1', prefix, forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    endpoint,
    port: info.port,
    bucket,
    directory,
    options,
    env: {
      DOCINLINE_S3_BUCKET: bucket,
      DOCINLINE_S3_ENDPOINT: endpoint,
      DOCINLINE_S3_REGION: 'us-east-1',
      DOCINLINE_S3_PREFIX: prefix,
      DOCINLINE_S3_FORCE_PATH_STYLE: 'true',
      DOCINLINE_S3_ACCESS_KEY_ID: 'S3RVER',
      DOCINLINE_S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
    async close() {
      await server.close();
      if (!opts.directory) rmSync(directory, { recursive: true, force: true });
    },
  };
}
