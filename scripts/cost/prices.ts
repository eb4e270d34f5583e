/**
 * The one price table `npm run cost` uses: AWS list prices in US East (N. Virginia), the first (most expensive) tier of
 * each, free tiers ignored. Each price says where it was read and when. `confirmed` says whether the stored copy of
 * AWS's own pricing page showed the number; where it did not (the page renders its tables with JavaScript), the
 * number is the one several independent pages quote for that AWS page, and the `note` says so. Check those against
 * the AWS page before relying on them.
 */

export interface Price {
  /** US dollars per `per` units. */
  usd: number;
  per: number;
  unit: string;
  source: string;
  checked: string;
  confirmed: boolean;
  note?: string;
}

const CHECKED = '2026-12-01';

export const PRICES = {
  customEvent: {
    usd: 1.0,
    per: 1_000_000,
    unit: 'custom event (64 KB chunk)',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'the stored AWS page did not show the table; $1.00 per million custom events (64 KB chunks) is what cloudburn.io and blog.awsfundamentals.com quote from it',
  },
  standardTransition: {
    usd: 0.025,
    per: 1_000,
    unit: 'state transition',
    source: 'https://aws.amazon.com/step-functions/pricing/',
    checked: CHECKED,
    confirmed: true,
  },
  expressRequest: {
    usd: 1.0,
    per: 1_000_000,
    unit: 'Express request',
    source: 'https://aws.amazon.com/step-functions/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'AWS Compute Blog "Building cost-effective AWS Step Functions workflows" states $1.00 per million; the pricing page excerpt did not show the table',
  },
  expressGbSecond: {
    usd: 0.00001667,
    per: 1,
    unit: 'Express GB-second',
    source: 'https://aws.amazon.com/step-functions/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'first 1,000 GB-hours a month; quoted by wring.co from the AWS page, whose stored copy did not show the table',
  },
  lambdaRequest: {
    usd: 0.2,
    per: 1_000_000,
    unit: 'Lambda request',
    source: 'https://aws.amazon.com/lambda/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'the stored AWS page renders its price table with JavaScript; $0.20 per million is the figure every copy quotes',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 1,
    unit: 'Lambda arm64 GB-second',
    source: 'https://aws.amazon.com/lambda/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'Arm, first 7.5 billion GB-seconds a month; quoted by cloudchipr.com from the AWS page',
  },
  sqsRequest: {
    usd: 0.4,
    per: 1_000_000,
    unit: 'SQS request (64 KB chunk)',
    source: 'https://aws.amazon.com/sqs/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'standard queues, first 100 billion requests a month; quoted by cloudburn.io and unanswered.io',
  },
  dynamodbWriteUnit: {
    usd: 0.625,
    per: 1_000_000,
    unit: 'DynamoDB write request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    checked: CHECKED,
    confirmed: false,
    note: 'on-demand, Standard table class, after the November 2024 price cut; quoted by airbyte.com',
  },
  dynamodbReadUnit: {
    usd: 0.125,
    per: 1_000_000,
    unit: 'DynamoDB read request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    checked: CHECKED,
    confirmed: false,
    note: 'on-demand, Standard table class; quoted by airbyte.com',
  },
  sesEmail: {
    usd: 0.1,
    per: 1_000,
    unit: 'SES e-mail',
    source: 'https://aws.amazon.com/ses/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'outbound e-mail, data transfer of attachments ignored; quoted by acecloudinterviews.com',
  },
  httpApiRequest: {
    usd: 1.0,
    per: 1_000_000,
    unit: 'HTTP API request (512 KB increment)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'first 300 million a month; quoted by awsforengineers.com and apigatewaycost.com; the AWS whitepaper confirms the 512 KB increments',
  },
  alarmMonth: {
    usd: 0.1,
    per: 1,
    unit: 'standard-resolution alarm-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'per alarm metric; quoted by c3x.dev',
  },
  customMetricMonth: {
    usd: 0.3,
    per: 1,
    unit: 'custom metric-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    checked: CHECKED,
    confirmed: false,
    note: 'first 10,000 metrics; not shown by any stored page: the figure AWS has published for years, unconfirmed here',
  },
} satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICES;

/** Dollars for `units` at `price`. */
export function cost(price: Price, units: number): number {
  return (units * price.usd) / price.per;
}
