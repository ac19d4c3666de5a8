import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/**
 * The alarm topic, created in the caller's scope (`Monitoring`) under the id it always had, so its
 * logical id stays: TLS only, publishable by this stack's CloudWatch alarms only, optionally on
 * the pipeline key, with an optional email subscription (the recipient must confirm).
 *
 * @example
 * ```ts
 * this.topic = alarmTopic(this, props.encryptionKey, props.alarmEmail);
 * ```
 */
export function alarmTopic(scope: Construct, encryptionKey?: IKey, alarmEmail?: string): Topic {
  const topic = new Topic(scope, 'AlarmTopic', {
    displayName: 'Smartcar webhook alarms',
    enforceSSL: true,
    masterKey: encryptionKey,
  });
  // A topic policy replaces SNS's default one, so with only the TLS deny CloudWatch may not
  // publish and every alarm would be silent. Allow CloudWatch on behalf of this account's
  // alarms of this stack only (confused-deputy guard): the alarms have no fixed names, so
  // CloudFormation names them `<stack name>-<logical id>-<suffix>` and the stack name is
  // the tightest prefix every one of them carries. The owner's own calls (CloudFormation
  // creating the email subscription with the deployer's credentials) need no statement
  // here: within one account the caller's identity policy suffices, and the TLS deny
  // covers sns:Publish only.
  const stack = Stack.of(scope);
  topic.grantPublish(
    new ServicePrincipal('cloudwatch.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: `${stack.stackName}-*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  if (!encryptionKey) {
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states only. CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a CMK for this alone is not worth its cost (-c encryptionKey=create puts it on the pipeline key).',
    });
  }
  if (alarmEmail) {
    const subscription = topic.addSubscription(new EmailSubscription(alarmEmail));
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'An undeliverable alarm email has nothing to redrive: the alarm state and history stay in CloudWatch, and a DLQ of notifications would be a queue nobody reads.',
    });
  }
  return topic;
}
