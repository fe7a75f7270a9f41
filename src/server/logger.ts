/** Structured JSON logs, one line per event. The runtime decides where lines go (stdout, console). */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

const RANK = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** The ISO time of the current millisecond, formatted once per millisecond however many lines share it. */
let isoMs = -1;
let isoText = '';
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => console.log(l)): Logger {
  const min = RANK[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => {
    const mid = `","level":"${lvl}","msg":`;
    // The line is assembled around one JSON.stringify of the fields rather than a spread copy of them:
    // every request writes one (same output: a field named time/level/msg comes later and wins).
    return (msg: string, fields?: LogFields) => {
      if (RANK[lvl] < min) return;
      let rest = '}';
      if (fields) {
        try {
          const f: unknown = JSON.stringify(fields);
          if (typeof f === 'string' && f.length > 2) rest = ',' + f.slice(1);
        } catch {
          /* unserialisable fields: the line keeps time, level and msg */
        }
      }
      write('{"time":"' + isoNow() + mid + JSON.stringify(msg) + rest);
    };
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    enabled: (lvl) => RANK[lvl] >= min,
  };
}

export const silentLogger: Logger = createLogger('silent');
