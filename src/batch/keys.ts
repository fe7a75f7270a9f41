/**
 * Where a batch lives in the BlobStore. Its state is a handful of write-once facts rather than one
 * record that every worker rewrites, so instances never race on a read-modify-write:
 *
 *   batches/<ns>/meta/<id>.json                    the batch as created (the commit point of POST)
 *   batches/<ns>/state/<id>/validated.json         lines counted and split into chunks: in_progress
 *   batches/<ns>/state/<id>/cancel.json            cancel requested: cancelling
 *   batches/<ns>/state/<id>/finalizing.json        output files being written (and which, for clean-up)
 *   batches/<ns>/state/<id>/final.json             completed / failed / expired / cancelled, with files and counts
 *   batches/<ns>/work/<id>/input/<chunk>.jsonl     the validated lines, cut into chunks
 *   batches/<ns>/work/<id>/results/<chunk>/<line>.ok|.err   one output line per request, written once it is done
 *   batches/<ns>/work/<id>/lanes/<lane>            a lane that has nothing left to do
 *   batch-active/<ns>/<id>                         unfinished batches (what a restarted in-process queue resumes)
 *
 * `<ns>` is the owner's namespace (as for files), so another API key's batches are not even listable.
 * Everything under work/ is deleted once final.json is written.
 */

export const BATCH_ID_PREFIX = 'batch_';

export type StateName = 'validated' | 'cancel' | 'finalizing' | 'final';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const batchKeys = {
  metaPrefix: (ns: string) => `batches/${ns}/meta/`,
  meta: (ns: string, id: string) => `batches/${ns}/meta/${id}.json`,
  statePrefix: (ns: string, id: string) => `batches/${ns}/state/${id}/`,
  state: (ns: string, id: string, name: StateName) => `batches/${ns}/state/${id}/${name}.json`,
  workPrefix: (ns: string, id: string) => `batches/${ns}/work/${id}/`,
  chunk: (ns: string, id: string, chunk: number) => `batches/${ns}/work/${id}/input/${pad(chunk, 6)}.jsonl`,
  resultsPrefix: (ns: string, id: string) => `batches/${ns}/work/${id}/results/`,
  chunkResultsPrefix: (ns: string, id: string, chunk: number) => `batches/${ns}/work/${id}/results/${pad(chunk, 6)}/`,
  result: (ns: string, id: string, chunk: number, index: number, ok: boolean) =>
    `batches/${ns}/work/${id}/results/${pad(chunk, 6)}/${pad(index, 7)}.${ok ? 'ok' : 'err'}`,
  lanesPrefix: (ns: string, id: string) => `batches/${ns}/work/${id}/lanes/`,
  lane: (ns: string, id: string, lane: number) => `batches/${ns}/work/${id}/lanes/${pad(lane, 4)}`,
  activePrefix: 'batch-active/',
  active: (ns: string, id: string) => `batch-active/${ns}/${id}`,
};

/** A result key → its request index and whether it succeeded; null for anything else. */
export function parseResultKey(key: string): { index: number; ok: boolean } | null {
  const m = /\/(\d{7,})\.(ok|err)$/.exec(key);
  return m ? { index: Number(m[1]), ok: m[2] === 'ok' } : null;
}

/** `batch-active/<ns>/<id>` → its parts. */
export function parseActiveKey(key: string): { ns: string; id: string } | null {
  const m = /^batch-active\/([^/]+)\/([^/]+)$/.exec(key);
  return m ? { ns: m[1]!, id: m[2]! } : null;
}
