/**
 * Logging: pluggable, silent by default, and never a secret. The engine only ever logs ids, user names,
 * client ids, codes, counts and times; on top of that every line goes through a scrubber that replaces
 * any secret value the engine knows of (client secret, grant, refresh and access tokens) with
 * "[redacted]", so a secret that slipped into a server's error text is still not written.
 */
import { MIN_SECRET_LENGTH } from '../secret-forms.js';
import { SecretIndex, scrubSecrets } from '../secret-scrubber.js';

// The one scrubber, in any encoding (percent, form, JSON, base64, Basic): see secret-forms.ts.
export { scrubSecrets };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

/** console- and pino-compatible: each method takes a message and optional structured fields. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const noop = (): void => {};

/** The default: logs nothing. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface ConsoleLoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** Default: the global console. */
  console?: Pick<Console, LogLevel>;
  /** Prefix of every line. Default `[tokenstore]`. */
  prefix?: string;
}

/** Writes `[tokenstore] message key=value ...` lines to the console at or above `level`. */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const min = LEVELS.indexOf(options.level ?? 'info');
  const out = options.console ?? console;
  const prefix = options.prefix ?? '[tokenstore]';
  const write = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVELS.indexOf(level) < min) return;
    out[level](`${prefix} ${message}${formatFields(fields)}`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  let text = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    text += ` ${key}=${typeof value === 'string' && /\s/.test(value) ? JSON.stringify(value) : String(value)}`;
  }
  return text;
}

const MAX_SECRETS = 1024;

/**
 * The logger the engine writes to: scrubs every message and string field against the secrets it is
 * told about, and never lets a throwing logger break a refresh.
 */
export class SafeLogger implements Logger {
  readonly #target: Logger;
  readonly #secrets = new Set<string>();
  readonly #index = new SecretIndex();

  constructor(target: Logger | undefined) {
    this.#target = target ?? silentLogger;
  }

  /** Remembers values that must never be written. */
  addSecrets(...values: (string | undefined | null)[]): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
      if (this.#secrets.delete(value)) {
        this.#secrets.add(value);
        continue;
      }
      this.#secrets.add(value);
      this.#index.add(value);
    }
    // Bounded: the oldest (long rotated away) values go first.
    for (const old of this.#secrets) {
      if (this.#secrets.size <= MAX_SECRETS) break;
      this.#secrets.delete(old);
      this.#index.delete(old);
    }
  }

  scrub(text: string): string {
    return this.#index.scrub(text);
  }

  debug(message: string, fields?: LogFields): void { this.#write('debug', message, fields); }
  info(message: string, fields?: LogFields): void { this.#write('info', message, fields); }
  warn(message: string, fields?: LogFields): void { this.#write('warn', message, fields); }
  error(message: string, fields?: LogFields): void { this.#write('error', message, fields); }

  #write(level: LogLevel, message: string, fields: LogFields | undefined): void {
    try {
      const fn = this.#target[level];
      if (typeof fn !== 'function') return;
      let clean: Record<string, LogValue> | undefined;
      if (fields) {
        clean = {};
        for (const [key, value] of Object.entries(fields)) clean[key] = typeof value === 'string' ? this.scrub(value) : value;
      }
      if (clean) fn.call(this.#target, this.scrub(message), clean);
      else fn.call(this.#target, this.scrub(message));
    } catch {
      // A logger must never break token handling.
    }
  }
}
