import { type ILogGroup, QueryDefinition, QueryString, type QueryStringProps } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Which of the pipeline's log groups a saved query reads. */
type QueryScope = 'receiver' | 'processor';

/** One saved CloudWatch Logs Insights query: its name in the console, its log groups, its clauses. */
interface SavedQuerySpec {
  /** Shown after the folder, e.g. `SmartcarWebhooks-dev/Trace one eventId`; the runbook names it. */
  readonly title: string;
  readonly scope: readonly QueryScope[];
  readonly query: QueryStringProps;
}

/**
 * The runbook's queries (docs/runbook-queries.md links each by its title). They read the lines the
 * functions write: the receiver's one `webhook` line per request (`code`, `status`, `eventId`,
 * `eventType`, `bodyBytes`) and its `delivery quarantined` line (`reason`, `deliveryId`,
 * `eventId`, `bytes`); the processor's ERROR lines per failed record (`eventId`, `attempt`,
 * `error.name`, `error.message`), handler lines (keyed by `eventId`) and one `Batch done` line
 * per batch (outcome counts, `slowestHandlerMs` and whose it was).
 */
export const SAVED_QUERIES = {
  traceEvent: {
    title: 'Trace one eventId',
    scope: ['receiver', 'processor'],
    query: {
      fields: ['@timestamp', '@log', 'level', 'message', 'code', 'status', 'attempt', 'finalAttempt', 'error.message'],
      // Saved queries take no parameters: replace the placeholder before running it.
      filterStatements: ['eventId = "PASTE-EVENT-ID-HERE"'],
      sort: '@timestamp asc',
    },
  },
  failuresByError: {
    title: 'Failures by error',
    scope: ['processor'],
    query: {
      filterStatements: ['level = "ERROR"'],
      statsStatements: ['count(*) as failures, latest(eventId) as lastEventId by message, error.name, error.message'],
      sort: 'failures desc',
    },
  },
  refusedByReason: {
    title: 'Refused deliveries by reason',
    scope: ['receiver'],
    query: {
      filterStatements: ['message = "webhook"', 'status >= 400', 'status < 500'],
      statsStatements: ['count(*) as refused, latest(eventId) as lastEventId by code, status'],
      sort: 'refused desc',
    },
  },
  quarantined: {
    title: 'Quarantined bodies',
    scope: ['receiver'],
    query: {
      fields: ['@timestamp', 'reason', 'deliveryId', 'eventId', 'bytes'],
      filterStatements: ['message = "delivery quarantined"'],
      sort: '@timestamp desc',
      limit: 500,
    },
  },
  slowestHandlers: {
    title: 'Slowest handlers',
    scope: ['processor'],
    query: {
      fields: ['@timestamp', 'slowestHandlerEventType', 'slowestHandlerEventId', 'slowestHandlerMs', 'records'],
      filterStatements: ['message = "Batch done"', 'ispresent(slowestHandlerMs)'],
      sort: 'slowestHandlerMs desc',
      limit: 50,
    },
  },
  duplicates: {
    title: 'Duplicates (one eventId received more than once)',
    scope: ['receiver'],
    query: {
      filterStatements: ['message = "webhook"', 'code = "enqueued"'],
      statsStatements: ['count(*) as deliveries, min(@timestamp) as first, max(@timestamp) as last by eventId'],
      sort: 'deliveries desc',
      limit: 100,
    },
  },
} as const satisfies Record<string, SavedQuerySpec>;

/** Properties of {@link SavedQueries}. */
export interface SavedQueriesProps {
  /** Folder of the queries in the Logs Insights console: the pipeline's dashboard name. */
  readonly folder: string;
  readonly receiverLogGroup: ILogGroup;
  readonly processorLogGroup: ILogGroup;
}

/**
 * The runbook's CloudWatch Logs Insights queries, saved with the stack (`AWS::Logs::QueryDefinition`)
 * under one folder and scoped to the pipeline's own log groups, so on-call opens them from the
 * console's "Saved queries" instead of typing them.
 *
 * @example
 * ```ts
 * new SavedQueries(this, 'Queries', {
 *   folder: 'SmartcarWebhooks-dev', receiverLogGroup: receiver.logGroup, processorLogGroup: processing.logGroup,
 * });
 * ```
 */
export class SavedQueries extends Construct {
  /** Each saved query, by its key in {@link SAVED_QUERIES}. */
  public readonly definitions: Record<keyof typeof SAVED_QUERIES, QueryDefinition>;

  public constructor(scope: Construct, id: string, props: SavedQueriesProps) {
    super(scope, id);
    const groups: Record<QueryScope, ILogGroup> = {
      receiver: props.receiverLogGroup,
      processor: props.processorLogGroup,
    };
    const entries = Object.entries(SAVED_QUERIES) as Array<[keyof typeof SAVED_QUERIES, SavedQuerySpec]>;
    this.definitions = Object.fromEntries(
      entries.map(([key, spec]) => [
        key,
        new QueryDefinition(this, key.charAt(0).toUpperCase() + key.slice(1), {
          queryDefinitionName: `${props.folder}/${spec.title}`,
          queryString: new QueryString(spec.query),
          logGroups: spec.scope.map((s) => groups[s]),
        }),
      ]),
    ) as Record<keyof typeof SAVED_QUERIES, QueryDefinition>;
  }
}
