import { functionNameOf } from '../lambda/function-config';

/** The ARN IAM decides on for each way the emulated APIs name a resource (a name, a URL, a partial or full ARN). */

export interface Where {
  region: string;
  accountId: string;
}

/** A function by name, `name:qualifier`, partial or full ARN; a qualifier stays (`function:name:qualifier`). */
export function functionArn(identifier: string, where: Where): string {
  if (identifier.startsWith('arn:')) return identifier;
  const { name, qualifier } = functionNameOf(identifier);
  return `arn:aws:lambda:${where.region}:${where.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/** A queue by ARN, URL (`<endpoint>/<account>/<name>`) or name. */
export function queueArn(queue: string, where: Where): string {
  if (queue.startsWith('arn:')) return queue;
  if (!/^https?:\/\//.test(queue)) return `arn:aws:sqs:${where.region}:${where.accountId}:${queue}`;
  const [account, name] = new URL(queue).pathname.split('/').filter(Boolean).slice(-2);
  return `arn:aws:sqs:${where.region}:${name ? account : where.accountId}:${name ?? account}`;
}

/** A bus by name or ARN; none is the account's default bus. */
export function eventBusArn(nameOrArn: string | undefined, where: Where): string {
  if (nameOrArn?.startsWith('arn:')) return nameOrArn;
  return `arn:aws:events:${where.region}:${where.accountId}:event-bus/${nameOrArn ?? 'default'}`;
}

export function tableArn(name: string, where: Where): string {
  return name.startsWith('arn:') ? name : `arn:aws:dynamodb:${where.region}:${where.accountId}:table/${name}`;
}
