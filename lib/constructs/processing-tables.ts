import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../lambda/core/constants.ts';

/**
 * The processor's two DynamoDB tables, created in the caller's scope (`Processing`) under the ids
 * they always had, so their logical ids stay. Both on-demand, encrypted at rest, with TTL and
 * point-in-time recovery.
 */

/**
 * Powertools idempotency records, keyed by eventId (Powertools' default attribute names).
 *
 * @example
 * ```ts
 * this.idempotencyTable = idempotencyTable(this, RemovalPolicy.DESTROY);
 * ```
 */
export function idempotencyTable(scope: Construct, removalPolicy: RemovalPolicy): Table {
  return new Table(scope, 'IdempotencyTable', {
    partitionKey: { name: TABLE_SCHEMA.IDEMPOTENCY.partitionKey, type: AttributeType.STRING },
    timeToLiveAttribute: TABLE_SCHEMA.IDEMPOTENCY.ttlAttribute,
    ...statefulTableDefaults(removalPolicy),
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
export function vehicleStateTable(scope: Construct, removalPolicy: RemovalPolicy): Table {
  return new Table(scope, 'VehicleStateTable', {
    partitionKey: { name: TABLE_SCHEMA.VEHICLE_STATE.partitionKey, type: AttributeType.STRING },
    sortKey: { name: TABLE_SCHEMA.VEHICLE_STATE.sortKey, type: AttributeType.STRING },
    timeToLiveAttribute: TABLE_SCHEMA.VEHICLE_STATE.ttlAttribute,
    ...statefulTableDefaults(removalPolicy),
  });
}

/** On-demand, encrypted at rest, point-in-time recovery: the same for both tables. */
function statefulTableDefaults(removalPolicy: RemovalPolicy) {
  return {
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: TableEncryption.DEFAULT,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy,
  } as const;
}
