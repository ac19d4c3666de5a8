import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';

/** One secret the stub serves. */
export interface StubSecret {
  /** Complete ARN, e.g. `arn:aws:secretsmanager:us-east-1:000000000000:secret:amt-AbCdEf`. */
  arn: string;
  /** The secret's name (the ARN's resource part without the 6-character suffix). */
  name: string;
  /** `SecretString` of the AWSCURRENT version. */
  value: string;
}

/** A running {@link startSecretsManagerStub}. */
export interface SecretsManagerStub {
  /** e.g. `http://127.0.0.1:49152`, for `AWS_ENDPOINT_URL_SECRETS_MANAGER` or a client's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

const JSON_1_1 = 'application/x-amz-json-1.1';
const GET_SECRET_VALUE = 'secretsmanager.GetSecretValue';

/**
 * A Secrets Manager endpoint on 127.0.0.1 that answers `GetSecretValue` over the AWS JSON 1.1
 * protocol (`X-Amz-Target: secretsmanager.GetSecretValue`) the way the service does: the secret
 * is found by its complete ARN or its name, an unknown one is `ResourceNotFoundException` (400),
 * and any other operation is `UnknownOperationException`. Signatures are not checked.
 *
 * @example
 * ```ts
 * const stub = await startSecretsManagerStub([{ arn, name: 'amt', value: 'test-amt-0000' }]);
 * const client = new SecretsManagerClient({ endpoint: stub.endpoint, region: 'us-east-1' });
 * await stub.close();
 * ```
 */
export async function startSecretsManagerStub(secrets: readonly StubSecret[]): Promise<SecretsManagerStub> {
  const created = Date.now() / 1000;
  const versionId = randomUUID();
  const find = (secretId: unknown): StubSecret | undefined =>
    secrets.find((secret) => secretId === secret.arn || secretId === secret.name);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await text(request);
    const reply = (status: number, payload: Record<string, unknown>): void => {
      response.writeHead(status, { 'content-type': JSON_1_1, 'x-amzn-requestid': randomUUID() });
      response.end(JSON.stringify(payload));
    };
    if (request.headers['x-amz-target'] !== GET_SECRET_VALUE) {
      reply(400, { __type: 'UnknownOperationException', message: `Not served by the stub: ${request.headers['x-amz-target']}` });
      return;
    }
    let input: { SecretId?: unknown };
    try {
      input = JSON.parse(body) as { SecretId?: unknown };
    } catch {
      reply(400, { __type: 'SerializationException', message: 'Request body is not JSON' });
      return;
    }
    const secret = find(input.SecretId);
    if (!secret) {
      reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      return;
    }
    reply(200, {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: versionId,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: created,
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
