import { spawn } from 'node:child_process';
import { buildVehicleError, buildVehicleState, buildVerify, signedHeaders } from '../../bin/cli/sample-events.ts';

/** Repository root (tests run from it). */
export const ROOT = new URL('../../', import.meta.url).pathname;

/** Body and headers of one signed delivery; `amt` undefined signs with a wrong key. */
export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
  eventId: string;
}

/** Factory: a signed VEHICLE_STATE delivery. */
export function stateDelivery(amt: string, options: Parameters<typeof buildVehicleState>[0] = {}): SignedDelivery {
  return sign(buildVehicleState(options), amt);
}

/** Factory: a signed VEHICLE_ERROR delivery. */
export function errorDelivery(amt: string, options: Parameters<typeof buildVehicleError>[0] = {}): SignedDelivery {
  return sign(buildVehicleError(options), amt);
}

/** Factory: a signed VERIFY delivery. */
export function verifyDelivery(amt: string, challenge: string): SignedDelivery {
  return sign(buildVerify({ challenge }), amt);
}

/** A Smartcar retry of `delivery`: same eventId, new deliveryId and deliveredAt, re-signed. */
export function redelivery(delivery: SignedDelivery, amt: string): SignedDelivery {
  const payload = JSON.parse(delivery.body) as Record<string, unknown>;
  const meta = payload.meta as Record<string, unknown>;
  return sign(
    { ...payload, meta: { ...meta, deliveryId: `${String(meta.deliveryId)}-retry`, deliveredAt: Date.now() } },
    amt,
  );
}

function sign(payload: Record<string, unknown>, amt: string): SignedDelivery {
  const body = JSON.stringify(payload);
  return { body, headers: signedHeaders(body, amt), eventId: String(payload.eventId) };
}

/** POSTs a delivery and returns status and body text. */
export async function post(
  url: string,
  delivery: Pick<SignedDelivery, 'body' | 'headers'>,
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: response.status, text: await response.text() };
}

/** Runs a TypeScript entry point (`bin/send.ts`, `bin/dlq.ts`) in a child process. */
export function runTs(
  script: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
