/**
 * The batch as stored (its write-once facts, see keys.ts) and as OpenAI's API shows it: the `batch`
 * object is derived from the facts on every read, so any instance answers the same.
 */

export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/responses', '/v1/parse'] as const;
export type BatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** Seconds in each completion window OpenAI accepts (only "24h"). */
export const COMPLETION_WINDOWS: Record<string, number> = { '24h': 24 * 3600 };

export interface BatchRecord {
  v: 1;
  id: string;
  /** Owner id from the API key (null when auth is off). */
  owner: string | null;
  endpoint: BatchEndpoint;
  input_file_id: string;
  completion_window: string;
  /** Unix seconds. */
  created_at: number;
  expires_at: number;
  metadata: Record<string, string> | null;
  output_expires_after: { anchor: 'created_at'; seconds: number } | null;
}

export interface ValidatedState {
  /** Unix seconds. */
  in_progress_at: number;
  total: number;
  /** Index of the first request of each chunk (chunk k holds requests chunks[k] … chunks[k+1]-1). */
  chunks: number[];
  /** Chains of chunks worked one request at a time: the batch's concurrency toward the backend. */
  lanes: number;
  /** The first line's body.model, shown as the batch's `model`. */
  model: string | null;
}

export interface CancelState {
  cancelling_at: number;
}

export interface FinalizingState {
  finalizing_at: number;
  /** Output files already created by this finalization (deleted if it has to start over). */
  files: string[];
}

export interface BatchErrorItem {
  code: string;
  message: string;
  param: string | null;
  /** 1-based line of the input file, or null. */
  line: number | null;
}

export interface RequestCounts {
  total: number;
  completed: number;
  failed: number;
}

export interface BatchUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface FinalState {
  status: 'completed' | 'failed' | 'expired' | 'cancelled';
  /** Unix seconds of that status. */
  at: number;
  output_file_id: string | null;
  error_file_id: string | null;
  request_counts: RequestCounts;
  errors: BatchErrorItem[] | null;
  usage: BatchUsage | null;
}

export interface BatchFacts {
  validated: ValidatedState | null;
  cancel: CancelState | null;
  finalizing: FinalizingState | null;
  final: FinalState | null;
}

/** OpenAI's `batch` object, field for field (absent times are null, as the API sends them). */
export interface OpenAIBatch {
  id: string;
  object: 'batch';
  endpoint: string;
  model: string | null;
  errors: { object: 'list'; data: BatchErrorItem[] } | null;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: RequestCounts;
  usage: BatchUsage | null;
  metadata: Record<string, string> | null;
}

export function statusOf(f: BatchFacts): BatchStatus {
  if (f.final) return f.final.status;
  if (f.cancel) return 'cancelling';
  if (f.finalizing) return 'finalizing';
  if (f.validated) return 'in_progress';
  return 'validating';
}

export function isTerminal(s: BatchStatus): boolean {
  return s === 'completed' || s === 'failed' || s === 'expired' || s === 'cancelled';
}

/** The API object. `progress` is the live count while the batch runs (final counts come from final.json). */
export function toBatchObject(r: BatchRecord, f: BatchFacts, progress: { completed: number; failed: number } | null): OpenAIBatch {
  const status = statusOf(f);
  const fin = f.final;
  const counts: RequestCounts = fin
    ? fin.request_counts
    : { total: f.validated?.total ?? 0, completed: progress?.completed ?? 0, failed: progress?.failed ?? 0 };
  const at = (s: FinalState['status']) => (fin?.status === s ? fin.at : null);
  return {
    id: r.id,
    object: 'batch',
    endpoint: r.endpoint,
    model: f.validated?.model ?? null,
    errors: fin?.errors?.length ? { object: 'list', data: fin.errors } : null,
    input_file_id: r.input_file_id,
    completion_window: r.completion_window,
    status,
    output_file_id: fin?.output_file_id ?? null,
    error_file_id: fin?.error_file_id ?? null,
    created_at: r.created_at,
    in_progress_at: f.validated?.in_progress_at ?? null,
    expires_at: r.expires_at,
    finalizing_at: f.finalizing?.finalizing_at ?? null,
    completed_at: at('completed'),
    failed_at: at('failed'),
    expired_at: at('expired'),
    cancelling_at: f.cancel?.cancelling_at ?? null,
    cancelled_at: at('cancelled'),
    request_counts: counts,
    usage: fin?.usage ?? null,
    metadata: r.metadata,
  };
}
