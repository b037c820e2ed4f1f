/** The outcome of one HTTP request to a site. */
export interface ProbeResult {
  healthy: boolean;
  url: string;
  status?: number;
  /** Why the probe failed: wrong status, timeout or a connection error. */
  reason?: string;
  elapsedMs: number;
}

export interface ProbeRequest {
  url: string;
  expectedStatus: number;
  timeoutMs: number;
}

/** The port a health gate uses to ask "does this address answer like the site?". */
export type HttpProbe = (request: ProbeRequest) => Promise<ProbeResult>;

/**
 * One GET without following redirects: healthy only if the answer has the expected status
 * within the timeout. A redirect is an answer like any other (WordPress answers /wp-login.php with 200).
 */
export const probeHttp: HttpProbe = async function probeHttp(request) {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(request.url, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    // Drain the body so the connection is released; its content does not matter.
    await res.arrayBuffer().catch(() => undefined);
    const healthy = res.status === request.expectedStatus;
    return {
      healthy,
      url: request.url,
      status: res.status,
      reason: healthy ? undefined : `HTTP ${res.status}, expected ${request.expectedStatus}`,
      elapsedMs: elapsed(),
    };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return {
      healthy: false,
      url: request.url,
      reason: timedOut
        ? `no answer within ${request.timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message),
      elapsedMs: elapsed(),
    };
  }
};
