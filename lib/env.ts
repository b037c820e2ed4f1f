import { ConfigError } from './errors';

// Kept instead of Powertools' env helpers (commons/utils/env), which read only process.env (the CLI
// passes its own), take a blank value as set and throw a plain Error rather than ConfigError.

/** Reads a required environment variable once, failing fast with the variable's name. */
export function getStringFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`environment variable ${name} is required but not set`);
  }
  return value;
}

/** Reads an optional environment variable; blank counts as absent. */
export function getOptionalStringFromEnv(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Reads an optional positive integer environment variable, rejecting anything else by name. */
export function getIntFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = getOptionalStringFromEnv(name, env);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`environment variable ${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}
