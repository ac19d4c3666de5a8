import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from '../../core/constants.ts';
import type { ClaimItem, CommitItem } from './types.ts';

const ID = TABLE_SCHEMA.IDEMPOTENCY.partitionKey;
const EXPIRATION = TABLE_SCHEMA.IDEMPOTENCY.ttlAttribute;

/** True for DynamoDB's answer to a write whose condition did not hold (billed, but not an error here). */
function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The idempotency table's reads and writes, one method per DynamoDB call. Claims and commits
 * share the table (distinct key prefixes), so the stack keeps one table and one TTL.
 *
 * @example
 * ```ts
 * const store = new ClaimStore(documentClient, 'idempotency');
 * if (!(await store.putClaim(claim, nowSeconds))) console.log(await store.getClaim(claim.id));
 * ```
 */
export class ClaimStore {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes a claim unless a live one exists (TTL deletion lags, so an expired one counts as absent). */
  public async putClaim(claim: ClaimItem, nowSeconds: number): Promise<boolean> {
    return this.conditionalPut(claim, {
      ConditionExpression: 'attribute_not_exists(#id) OR #expiration < :now',
      ExpressionAttributeNames: { '#id': ID, '#expiration': EXPIRATION },
      ExpressionAttributeValues: { ':now': nowSeconds },
    });
  }

  /** Takes over an abandoned claim, only if it still names the commit it named when it was read. */
  public async reclaim(claim: ClaimItem, previousCommit: string): Promise<boolean> {
    return this.conditionalPut(claim, {
      ConditionExpression: '#commit = :previous',
      ExpressionAttributeNames: { '#commit': 'commit' },
      ExpressionAttributeValues: { ':previous': previousCommit },
    });
  }

  /** The claim of `id`, read strongly consistently; `undefined` when there is none. */
  public async getClaim(id: string): Promise<ClaimItem | undefined> {
    return (await this.get(id)) as ClaimItem | undefined;
  }

  /** The commit item `id`, read strongly consistently; `undefined` when it was never written. */
  public async getCommit(id: string): Promise<CommitItem | undefined> {
    return (await this.get(id)) as CommitItem | undefined;
  }

  /** Writes one commit item (its id is unique to one batch, so no condition is needed). */
  public async putCommit(commit: CommitItem): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...commit } }));
  }

  /** Deletes a claim of a failed task, only while it still names this batch's commit. */
  public async release(id: string, commit: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [ID]: id },
          ConditionExpression: '#commit = :commit',
          ExpressionAttributeNames: { '#commit': 'commit' },
          ExpressionAttributeValues: { ':commit': commit },
        }),
      );
    } catch (error) {
      // Someone else already took it over: nothing of ours is left to release.
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async conditionalPut(
    item: ClaimItem,
    condition: Pick<
      ConstructorParameters<typeof PutCommand>[0],
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...item }, ...condition }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async get(id: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [ID]: id }, ConsistentRead: true }),
    );
    return Item;
  }
}
