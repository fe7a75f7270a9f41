import type { InlineStats } from '../inline/inline.js';

/** Hono context variables shared by every route module. */
export type AppEnv = {
  Variables: {
    /** Owner of the request: a stable id derived from the API key, or null when auth is off. */
    owner: string | null;
    requestId: string;
    /** What the gateway inlined for this request (for the access log). */
    inlineStats?: InlineStats;
  };
};
