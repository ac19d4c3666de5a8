import { startAwsJsonStub } from './aws-json-stub.ts';

/** A loopback stand-in for Secrets Manager's GetSecretValue, with counters. */
export interface SecretsManagerStub {
  /** `http://127.0.0.1:<port>`, to use as the client's endpoint. */
  readonly url: string;
  /** HTTP requests received (an SDK call with retries counts each attempt). */
  readonly requests: number;
  /** GetSecretValue calls received: attempts of one SDK call (same invocation id) count once. */
  readonly calls: number;
  /** TCP connections accepted (a client keeping connections alive opens one). */
  readonly connections: number;
  /** The value served while not failing. */
  secretString: string;
  /** While true, every request is answered 500 InternalServiceError. */
  failing: boolean;
  close(): Promise<void>;
}

/**
 * Starts a Secrets Manager stub on 127.0.0.1 (a free port) speaking the service's JSON protocol
 * (`X-Amz-Target: secretsmanager.GetSecretValue`), so a real `SecretsManagerClient` talks to it.
 * Anything else is answered 400.
 *
 * @example
 * ```ts
 * const stub = await startSecretsManagerStub({ secretString: 'amt' });
 * const client = createReceiverSecretsClient({ endpoint: stub.url });
 * stub.failing = true; // an outage
 * ```
 */
export async function startSecretsManagerStub(options: { secretString: string }): Promise<SecretsManagerStub> {
  const invocations = new Set<string>();
  let requests = 0;
  let connections = 0;
  const state = { secretString: options.secretString, failing: false };

  const { server, url } = await startAwsJsonStub((target, input, headers) => {
    requests++;
    if (target !== 'secretsmanager.GetSecretValue') {
      return {
        status: 400,
        body: { __type: 'InvalidRequestException', message: `unsupported ${String(target)}` },
        errorType: 'InvalidRequestException',
      };
    }
    invocations.add(String(headers['amz-sdk-invocation-id'] ?? `request-${requests}`));
    if (state.failing)
      return {
        status: 500,
        body: { __type: 'InternalServiceError', message: 'stub outage' },
        errorType: 'InternalServiceError',
      };
    const { SecretId } = input as { SecretId?: string };
    return {
      status: 200,
      body: {
        ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${SecretId}-AbCdEf`,
        Name: SecretId,
        VersionId: '00000000-0000-0000-0000-000000000001',
        SecretString: state.secretString,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_700_000_000,
      },
    };
  });
  server.on('connection', () => connections++);

  return {
    url,
    get requests() {
      return requests;
    },
    get calls() {
      return invocations.size;
    },
    get connections() {
      return connections;
    },
    get secretString() {
      return state.secretString;
    },
    set secretString(value: string) {
      state.secretString = value;
    },
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
