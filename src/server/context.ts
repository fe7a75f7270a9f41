/** Hono context variables shared by every route module. */
export type AppEnv = {
  Variables: {
    /** Owner of the request: a stable id derived from the API key, or null when auth is off. */
    owner: string | null;
    requestId: string;
  };
};
