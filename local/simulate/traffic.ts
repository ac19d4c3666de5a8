import { buildVehicleError, buildVehicleState } from '../../bin/cli/sample-events.ts';
import type { SimEntity } from './types.ts';

/** A seeded generator of floats in [0, 1) (mulberry32): the same seed, the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seeded UUID-shaped id, so a run's ids repeat with its seed. */
function seededId(random: () => number, prefix: string): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () =>
      Math.floor(random() * 16)
        .toString(16)
        .toString(),
    ).join('');
  return `${prefix}${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

/** Why a signed body cannot be processed normally: the shapes issue #19 lists. */
export const UNPROCESSABLE_REASONS = [
  'missing_event_type',
  'not_json_object',
  'not_utf8',
  'event_id_too_long',
] as const;

/** The generated traffic: entities and the vehicles they belong to. */
export interface Traffic {
  entities: SimEntity[];
  vehicles: string[];
  /** Real ms over which the first attempts are spread. */
  windowMs: number;
}

/**
 * Generates a seeded run's traffic: `events` authentic events from a small fleet (VEHICLE_STATE
 * histories whose `oemUpdatedAt` rises per vehicle but whose deliveries are shuffled within a
 * neighbourhood, so some arrive out of order; VEHICLE_ERROR then RESOLVED pairs), a few
 * at-least-once duplicates and verbatim re-sends, and on top a few signed-but-unprocessable bodies,
 * forged requests and stale replays (at least one of each).
 *
 * @example
 * ```ts
 * const { entities, windowMs } = generateTraffic({ seed: 1, events: 300, rate: 60, startedAt: Date.now() });
 * ```
 */
export function generateTraffic(options: {
  seed: number;
  events: number;
  rate: number;
  startedAt: number;
  /** The faults' plan needs this long a window. @default 1 s */
  minWindowMs?: number;
}): Traffic {
  const random = seededRandom(options.seed);
  const windowMs = Math.max(options.minWindowMs ?? 1_000, Math.round((options.events / options.rate) * 1000));
  const vehicleCount = Math.max(3, Math.round(options.events / 25));
  const vehicles = Array.from(
    { length: vehicleCount },
    (_, i) => `veh-sim-${i.toString().padStart(4, '0')}-${seededId(random, '')}`,
  );
  const entities: SimEntity[] = [];
  const at = () => Math.floor(random() * windowMs);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  const pairs = Math.max(1, Math.round(options.events * 0.05));
  const states = Math.max(1, options.events - 2 * pairs);
  // A vehicle's history: its events' first attempts at random times; oemUpdatedAt follows the
  // send time minus a random lag of up to ~3 neighbours' spacing, so some overtake each other.
  const spacing = windowMs / Math.max(1, states / vehicleCount);
  const used = new Set<string>();
  for (let i = 0; i < states; i++) {
    const vehicleId = vehicles[i % vehicleCount]!;
    const firstAt = at();
    let oemUpdatedAt = options.startedAt + firstAt - Math.floor(random() * 3 * spacing) - 5_000;
    while (used.has(`${vehicleId}:${oemUpdatedAt}`)) oemUpdatedAt -= 1;
    used.add(`${vehicleId}:${oemUpdatedAt}`);
    entities.push({
      id: seededId(random, ''),
      kind: 'state',
      vehicleId,
      oemUpdatedAt,
      stateOfCharge: Math.floor(random() * 100),
      firstAt,
      duplicates: random() < 0.05 ? 1 : 0,
      verbatimReplay: random() < 0.01,
    });
  }
  for (let i = 0; i < pairs; i++) {
    const vehicleId = pick(vehicles);
    const firstAt = at();
    const common = { vehicleId, duplicates: 0, verbatimReplay: false };
    entities.push({ ...common, id: seededId(random, ''), kind: 'error', firstAt });
    entities.push({
      ...common,
      id: seededId(random, ''),
      kind: 'resolved',
      firstAt: Math.min(windowMs, firstAt + 500 + at() / 10),
    });
  }
  const few = (share: number) => Math.max(1, Math.round(options.events * share));
  // One vehicle whose OEM clock runs 10 years ahead once, then right again (issue #19.3): its
  // signals must not stay frozen at the future time.
  const futureVehicle = `veh-sim-future-${seededId(random, '')}`;
  vehicles.push(futureVehicle);
  const futureAt = Math.floor(windowMs / 4);
  entities.push({
    id: seededId(random, ''),
    kind: 'future-signal',
    vehicleId: futureVehicle,
    oemUpdatedAt: options.startedAt + 10 * 365 * 86_400_000,
    stateOfCharge: 1,
    firstAt: futureAt,
    duplicates: 0,
    verbatimReplay: false,
  });
  for (let i = 1; i <= 2; i++) {
    const firstAt = Math.min(windowMs, futureAt + i * 1_000);
    entities.push({
      id: seededId(random, ''),
      kind: 'state',
      vehicleId: futureVehicle,
      oemUpdatedAt: options.startedAt + firstAt - 1_000,
      stateOfCharge: 50 + i,
      firstAt,
      duplicates: 0,
      verbatimReplay: false,
    });
  }
  for (let i = 0; i < Math.max(UNPROCESSABLE_REASONS.length, few(0.01)); i++) {
    entities.push({
      id: seededId(random, ''),
      kind: 'unprocessable',
      unprocessable: UNPROCESSABLE_REASONS[i % UNPROCESSABLE_REASONS.length]!,
      vehicleId: pick(vehicles),
      firstAt: at(),
      duplicates: 0,
      verbatimReplay: false,
    });
  }
  for (let i = 0; i < few(0.005); i++) {
    entities.push({
      id: seededId(random, ''),
      kind: 'forged',
      vehicleId: pick(vehicles),
      firstAt: at(),
      duplicates: 0,
      verbatimReplay: false,
    });
  }
  for (let i = 0; i < Math.max(2, few(0.005)); i++) {
    entities.push({
      id: seededId(random, ''),
      kind: 'stale-replay',
      vehicleId: pick(vehicles),
      secondsStamp: i % 2 === 1,
      firstAt: at(),
      duplicates: 0,
      verbatimReplay: false,
    });
  }
  entities.sort((a, b) => a.firstAt - b.firstAt);
  return { entities, vehicles, windowMs };
}

/** Two hours: how old the capture a stale replay re-sends is (Smartcar's receiver window is minutes). */
const CAPTURE_AGE_MS = 2 * 3_600_000;

/**
 * The raw body of one delivery attempt of `entity`: built with the same sample builders as
 * `npm run send`, with this attempt's `deliveryId` and `deliveredAt` (Smartcar refreshes both on
 * every attempt and keeps the eventId).
 */
export function buildBody(entity: SimEntity, deliveryId: string, deliveredAt: number): Buffer {
  const common = { eventId: entity.id, deliveryId, deliveredAt };
  switch (entity.kind) {
    case 'state':
    case 'future-signal':
      return json(
        buildVehicleState({
          ...common,
          vehicleId: entity.vehicleId!,
          oemUpdatedAt: entity.oemUpdatedAt!,
          stateOfCharge: entity.stateOfCharge!,
          signalCount: 6,
        }),
      );
    case 'error':
    case 'resolved':
      return json(
        buildVehicleError({
          ...common,
          vehicleId: entity.vehicleId!,
          state: entity.kind === 'error' ? 'ERROR' : 'RESOLVED',
        }),
      );
    case 'forged':
      return json(buildVehicleState({ ...common, vehicleId: entity.vehicleId!, signalCount: 2 }));
    case 'stale-replay': {
      const captured = Date.now() - CAPTURE_AGE_MS;
      return json(
        buildVehicleState({
          ...common,
          deliveredAt: entity.secondsStamp ? Math.floor(captured / 1000) : captured,
          vehicleId: entity.vehicleId!,
          oemUpdatedAt: captured - 5_000,
          signalCount: 2,
        }),
      );
    }
    case 'unprocessable':
      return unprocessableBody(entity, common);
  }
}

function unprocessableBody(
  entity: SimEntity,
  common: { eventId: string; deliveryId: string; deliveredAt: number },
): Buffer {
  const event = buildVehicleError({ ...common, vehicleId: entity.vehicleId! });
  switch (entity.unprocessable) {
    case 'missing_event_type': {
      const { eventType: _dropped, ...rest } = event;
      return json(rest);
    }
    case 'not_json_object':
      return json([event]);
    case 'not_utf8': {
      // A lone 0xff byte inside a string value: valid JSON structure, not UTF-8.
      const text = JSON.stringify({ ...event, note: '__BYTE__' });
      const [before, after] = text.split('__BYTE__');
      return Buffer.concat([Buffer.from(before!), Buffer.from([0xff]), Buffer.from(after!)]);
    }
    default:
      // An eventId longer than a DynamoDB key may be (2 KB): the original id, then padding.
      return json({ ...event, eventId: `${entity.id}-${'x'.repeat(3_000)}` });
  }
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
