import { describe, expect, it } from 'vitest';
import { INGRESS_KINDS } from '../../lib/constructs/ingress-types.ts';
import { logicalId, templateFor } from '../infra/helpers.ts';
import {
  ARCHIVE_IAM_EXPECTED,
  type ExpectedInvoker,
  IAM_EXPECTED,
  INGRESS_IAM_EXPECTED,
} from '../infra/iam-expected.ts';

type Permission = {
  Action: string;
  Principal: string;
  FunctionName: unknown;
  SourceArn?: unknown;
  FunctionUrlAuthType?: string;
  InvokedViaFunctionUrl?: boolean;
};
type Role = {
  AssumeRolePolicyDocument: { Statement: { Principal: { Service?: string } }[] };
  ManagedPolicyArns?: unknown[];
};

/** The last literal piece of a `Fn::Join` (or the string itself). */
function tail(value: unknown): string {
  if (typeof value === 'string') return value;
  const parts = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? [];
  const last = parts[parts.length - 1];
  return typeof last === 'string' ? last : '';
}

function describePermission(permission: Permission): ExpectedInvoker['condition'] {
  if (permission.FunctionUrlAuthType === 'NONE') return { functionUrlAuthType: 'NONE' };
  if (permission.InvokedViaFunctionUrl === true) return { invokedViaFunctionUrl: true };
  return { sourceArnEndsWith: tail(permission.SourceArn).replace(/^.*?(\/\*\/\*\/|\/POST\/)/, '$1') };
}

describe.each(INGRESS_KINDS)('IAM with ingress=%s', (ingress) => {
  const expected = INGRESS_IAM_EXPECTED[ingress];

  it("lets exactly the table's invokers call the receiver, each narrowed to its route or the URL", () => {
    // Prepare
    const template = templateFor({ ingress });
    const receiver = logicalId(template, 'AWS::Lambda::Function', IAM_EXPECTED.receiver.functionLogicalIdPrefix);

    // Act
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map(
      (p) => (p as { Properties: Permission }).Properties,
    );

    // Assess
    for (const permission of permissions) expect(permission.FunctionName).toEqual({ 'Fn::GetAtt': [receiver, 'Arn'] });
    const found = permissions.map((p) => ({
      action: p.Action,
      principal: p.Principal,
      condition: describePermission(p),
    }));
    expect(found).toEqual(
      expected.invokers.map(({ action, principal, condition }) => ({ action, principal, condition })),
    );
  });

  it("has the functions' roles plus exactly the front door's own, with only the managed policies listed", () => {
    // Prepare
    const template = templateFor({ ingress });
    const functionRoles = [...Object.values(IAM_EXPECTED), ...Object.values(ARCHIVE_IAM_EXPECTED)].map((e) =>
      logicalId(template, 'AWS::IAM::Role', e.roleLogicalIdPrefix),
    );
    const doorRoles = expected.roles.map((r) => logicalId(template, 'AWS::IAM::Role', r.roleLogicalIdPrefix));

    // Act
    const roles = template.findResources('AWS::IAM::Role') as Record<string, { Properties: Role }>;

    // Assess
    expect(Object.keys(roles).sort()).toEqual([...functionRoles, ...doorRoles].sort());
    for (const role of expected.roles) {
      const { Properties } = roles[logicalId(template, 'AWS::IAM::Role', role.roleLogicalIdPrefix)]!;
      expect(Properties.AssumeRolePolicyDocument.Statement.map((s) => s.Principal.Service)).toEqual([
        role.trustedService,
      ]);
      expect(Properties.ManagedPolicyArns?.map(tail)).toEqual(role.managedPolicies.map((p) => `:iam::aws:policy/${p}`));
    }
    for (const id of functionRoles) expect(roles[id]?.Properties).not.toHaveProperty('ManagedPolicyArns');
  });
});
