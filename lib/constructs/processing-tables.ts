import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../lambda/core/constants.ts';
import { tableEncryption } from './encryption-props.ts';

/**
 * The processor's two DynamoDB tables, created in the caller's scope (`Processing`) under the ids
 * they always had, so their logical ids stay. Both on-demand, encrypted at rest, with TTL and
 * point-in-time recovery.
 */

/**
 * Powertools Idempotency records, one per eventId, keyed by `id`, with the TTL attribute
 * `expiration` (Powertools' default attribute names; see lambda/processor/idempotency.ts).
 *
 * @example
 * ```ts
 * this.idempotencyTable = idempotencyTable(this, RemovalPolicy.DESTROY);
 * ```
 */
export function idempotencyTable(scope: Construct, removalPolicy: RemovalPolicy, encryptionKey?: IKey): Table {
  return new Table(scope, 'IdempotencyTable', {
    partitionKey: { name: TABLE_SCHEMA.IDEMPOTENCY.partitionKey, type: AttributeType.STRING },
    timeToLiveAttribute: TABLE_SCHEMA.IDEMPOTENCY.ttlAttribute,
    ...statefulTableDefaults(removalPolicy, encryptionKey),
  });
}

/**
 * The example handlers' vehicle store: latest signals and errors per vehicle, for the freshness guard.
 *
 * @example
 * ```ts
 * this.vehicleStateTable = vehicleStateTable(this, RemovalPolicy.DESTROY);
 * ```
 */
export function vehicleStateTable(scope: Construct, removalPolicy: RemovalPolicy, encryptionKey?: IKey): Table {
  return new Table(scope, 'VehicleStateTable', {
    partitionKey: { name: TABLE_SCHEMA.VEHICLE_STATE.partitionKey, type: AttributeType.STRING },
    sortKey: { name: TABLE_SCHEMA.VEHICLE_STATE.sortKey, type: AttributeType.STRING },
    timeToLiveAttribute: TABLE_SCHEMA.VEHICLE_STATE.ttlAttribute,
    ...statefulTableDefaults(removalPolicy, encryptionKey),
  });
}

/** On-demand, encrypted at rest (AWS-owned key, or the pipeline key), point-in-time recovery: the same for both tables. */
function statefulTableDefaults(removalPolicy: RemovalPolicy, encryptionKey: IKey | undefined) {
  return {
    billingMode: BillingMode.PAY_PER_REQUEST,
    ...tableEncryption(encryptionKey),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy,
  } as const;
}
