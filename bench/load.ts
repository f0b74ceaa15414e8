/**
 * A closed-loop load generator: `clients` concurrent loops, each sending its next request as soon as the previous
 * answered, for `seconds`. Returns throughput and latency percentiles. Loopback only.
 */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(latencies: number[], errors: number, seconds: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** `send(client, i)` performs one request and resolves true when the answer was the expected one. */
export async function runLoad(
  clients: number,
  seconds: number,
  send: (client: number, i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        let good = false;
        try {
          good = await send(client, i);
        } catch {
          good = false;
        }
        const ms = performance.now() - t0;
        if (good) latencies.push(ms);
        else errors++;
      }
    }),
  );
  return summarize(latencies, errors, (performance.now() - started) / 1000);
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
