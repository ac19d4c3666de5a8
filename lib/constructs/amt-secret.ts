import { type RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AMT_SECRET_PLACEHOLDER } from '../../lambda/core/constants.ts';
import { RESOURCE_DEFAULTS } from '../defaults.ts';
import { overrideProps } from '../override-props.ts';

/** Properties of {@link AmtSecret}. */
export interface AmtSecretProps {
  /**
   * Complete ARN (with the 6-character suffix) of an existing secret holding the AMT. A
   * complete ARN lets the receiver's policy name exactly that secret, with no wildcard.
   * @default - a new secret is created holding AMT_SECRET_PLACEHOLDER
   */
  readonly existingSecretArn?: string;
  /**
   * An existing secret holding the AMT, as a construct (takes precedence over `existingSecretArn`).
   * @default - `existingSecretArn` imported, else a new secret
   */
  readonly existingSecretObj?: ISecret;
  /**
   * What happens to a created secret when the stack is deleted. Ignored for an imported one.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Customer managed key of a created secret (`-c encryptionKey`). An imported secret keeps
   * its own key: its owner grants the receiver kms:Decrypt on it.
   * @default - the AWS-managed aws/secretsmanager key
   */
  readonly encryptionKey?: IKey;
}

/** Default props of `AmtSecret`. */
export const AMT_SECRET_PROPS_DEFAULTS = {
  removalPolicy: RESOURCE_DEFAULTS.removalPolicy,
} as const satisfies Partial<AmtSecretProps>;

/**
 * The Secrets Manager secret holding Smartcar's Application Management Token (AMT), either
 * the token itself or `{"current":"...","previous":"..."}` during a rotation.
 *
 * A created secret holds {@link AMT_SECRET_PLACEHOLDER}, never a real token, so the AMT never
 * passes through a template or a shell. The receiver treats the placeholder as "not
 * configured" and answers 503 until an operator puts the AMT in (it never verifies a
 * signature against the placeholder, so knowing it signs nothing).
 *
 * @example
 * ```ts
 * const amt = new AmtSecret(this, 'Amt', { existingSecretArn: props.amtSecretArn });
 * amt.secret.grantRead(receiver);
 * ```
 */
export class AmtSecret extends Construct {
  /** The secret, created or imported. */
  public readonly secret: ISecret;

  public constructor(scope: Construct, id: string, userProps: AmtSecretProps = {}) {
    super(scope, id);
    const props = overrideProps(AMT_SECRET_PROPS_DEFAULTS, userProps);

    if (props.existingSecretObj) {
      this.secret = props.existingSecretObj;
      return;
    }
    if (props.existingSecretArn) {
      this.secret = Secret.fromSecretCompleteArn(this, 'Imported', props.existingSecretArn);
      return;
    }

    const secret = new Secret(this, 'Secret', {
      description:
        'Smartcar Application Management Token (AMT) as {"current":"...","previous":"..."}; see README "Put the AMT in the secret"',
      secretStringValue: SecretValue.unsafePlainText(AMT_SECRET_PLACEHOLDER),
      removalPolicy: props.removalPolicy,
      encryptionKey: props.encryptionKey,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The AMT is issued and rotated in the Smartcar Dashboard; Secrets Manager cannot rotate it. The README rotation runbook uses the {"current","previous"} form so both tokens verify during the switch.',
    });
    this.secret = secret;
  }
}
