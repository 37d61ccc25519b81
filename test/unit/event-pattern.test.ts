/**
 * Table tests for the local EventBridge event-pattern matcher.
 *
 * Case names cite the AWS EventBridge user guide section each case is drawn from:
 *  - "Event patterns"                 -> Creating Amazon EventBridge event patterns
 *  - "Null values"                    -> Matching events on null values and empty strings
 *  - "Arrays"                         -> Matching multiple values of an event field (arrays)
 *  - everything else                  -> Content filtering in Amazon EventBridge event patterns
 *  - "Event Ruler: JSON Array Matching" -> aws/event-ruler README (engine behind EventBridge)
 */
import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern, type EventPattern } from '../../infra/local/bus/pattern.ts';

type Envelope = {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: unknown[];
  detail: Record<string, unknown>;
};

/** Realistic EventBridge envelope (the EC2 sample event used throughout the content-filtering docs). */
function envelope(detail: Record<string, unknown>, top: Partial<Omit<Envelope, 'detail'>> = {}): Envelope {
  return {
    version: '0',
    id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '012345679012',
    time: '2017-10-02T16:24:49Z',
    region: 'us-east-1',
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
    ...top,
    detail,
  };
}

/** The EC2 state-change event from "Creating Amazon EventBridge event patterns". */
function ec2StateChange(state: unknown = 'terminated'): Envelope {
  return envelope(
    { 'instance-id': 'i-1234567890abcdef0', state },
    {
      id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      account: '111122223333',
      time: '2017-12-22T18:43:48Z',
      region: 'us-west-1',
      resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    },
  );
}

/** Detail of the content-filtering sample event (c-count, d-count, x-limit, source-ip ...). */
function filteringDetail(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
    ...overrides,
  };
}

/** The Auto Scaling event from "Matching events on null values and empty strings". */
const autoscalingNullEvent = envelope(
  { eventVersion: '', responseElements: null },
  {
    id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2015-11-11T21:31:47Z',
    resources: [],
  },
);

/** An S3 "Object Created" event, as used by the wildcard-matching examples. */
function s3ObjectCreated(key: string, extraDetail: Record<string, unknown> = {}): Envelope {
  return envelope(
    {
      version: '0',
      bucket: { name: 'trading-data' },
      object: { key, size: 5242880, etag: 'b1946ac92492d2347c6235b4d2611184' },
      reason: 'PutObject',
      ...extraDetail,
    },
    {
      id: '17793124-05d4-b198-2fde-7ededc63b103',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '123456789012',
      time: '2021-11-12T00:00:00Z',
      region: 'ca-central-1',
      resources: ['arn:aws:s3:::trading-data'],
    },
  );
}

/** A CloudWatch metric-alarm style event used by the "$or" examples. */
function cloudwatchEvent(metric: Record<string, unknown>, detail: Record<string, unknown> = {}): Envelope {
  return {
    ...envelope(detail, {
      id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: '123456789012',
      time: '2019-10-02T17:04:40Z',
      resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh'],
    }),
    ...metric,
  };
}

type MatchCase = { name: string; pattern: EventPattern; event: unknown; expected: boolean };

const EC2_TERMINATED: EventPattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

const RESOURCES_PATTERN: EventPattern = {
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ],
};

const NUMERIC_PATTERN: EventPattern = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};

const OR_METRIC_PATTERN: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};

const OR_NUMERIC_PATTERN: EventPattern = {
  detail: {
    $or: [
      { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      { 'd-count': [{ numeric: ['<', 10] }] },
      { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    ],
  },
};

const COMPLEX_PATTERN: EventPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
    'source-ip': [{ cidr: '10.0.0.0/8' }],
  },
};

const EMPLOYEES_DETAIL = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};

const cases: MatchCase[] = [
  // --- exact matching & structure -------------------------------------------------------
  {
    name: 'exact: EC2 terminated pattern matches terminated event (docs: Event patterns)',
    pattern: EC2_TERMINATED,
    event: ec2StateChange('terminated'),
    expected: true,
  },
  {
    name: 'exact: EC2 terminated pattern rejects running instance (docs: Event patterns)',
    pattern: EC2_TERMINATED,
    event: ec2StateChange('running'),
    expected: false,
  },
  {
    name: 'exact: all pattern fields are AND-ed, wrong source fails (docs: Event patterns)',
    pattern: EC2_TERMINATED,
    event: { ...ec2StateChange('terminated'), source: 'aws.s3' },
    expected: false,
  },
  {
    name: 'exact: event fields not in the pattern are ignored (docs: Event patterns)',
    pattern: { source: ['aws.ec2'] },
    event: ec2StateChange('pending'),
    expected: true,
  },
  {
    name: 'exact: values inside a pattern array are OR-ed (docs: Event patterns / Matching values)',
    pattern: { detail: { state: ['initializing', 'running'] } },
    event: ec2StateChange('running'),
    expected: true,
  },
  {
    name: 'exact: matching is case-sensitive (docs: Event patterns / Matching values)',
    pattern: { 'detail-type': ['ec2 instance state-change notification'] },
    event: ec2StateChange(),
    expected: false,
  },
  {
    name: 'exact: a field missing from the event never matches a value (docs: Event patterns)',
    pattern: { detail: { state: ['running'] } },
    event: envelope({ 'instance-id': 'i-1' }),
    expected: false,
  },
  {
    name: 'exact: JSON number matches number (docs: Event patterns / Matching values)',
    pattern: { detail: { 'c-count': [5] } },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'exact: number pattern does not match the string "5" (docs: Event patterns / Matching values)',
    pattern: { detail: { 'c-count': [5] } },
    event: envelope(filteringDetail({ 'c-count': '5' })),
    expected: false,
  },
  {
    name: 'exact: boolean true matches JSON true (docs: Event patterns / Matching values)',
    pattern: { detail: { encrypted: [true] } },
    event: envelope({ encrypted: true }),
    expected: true,
  },
  {
    name: 'exact: boolean true does not match the string "true" (docs: Event patterns / Matching values)',
    pattern: { detail: { encrypted: [true] } },
    event: envelope({ encrypted: 'true' }),
    expected: false,
  },
  {
    name: 'nested: deeply nested field matches (docs: Event patterns, same nested structure)',
    pattern: { source: ['aws.s3'], detail: { bucket: { name: ['trading-data'] } } },
    event: s3ObjectCreated('2023/XYZ/trades.csv'),
    expected: true,
  },
  {
    name: 'nested: missing intermediate object does not match (docs: Event patterns, same nested structure)',
    pattern: { detail: { requestParameters: { bucketName: ['trading-data'] } } },
    event: s3ObjectCreated('a.csv'),
    expected: false,
  },
  {
    name: 'nested: pattern object against a string value does not match (docs: Event patterns)',
    pattern: { detail: { bucket: { name: ['trading-data'] } } },
    event: s3ObjectCreated('a.csv', { bucket: 'trading-data' }),
    expected: false,
  },

  // --- null values and empty strings -------------------------------------------------------
  {
    name: 'empty string: [""] matches an empty-string field (docs: Null values)',
    pattern: { detail: { eventVersion: [''] } },
    event: autoscalingNullEvent,
    expected: true,
  },
  {
    name: 'null: [null] matches a null field (docs: Null values)',
    pattern: { detail: { responseElements: [null] } },
    event: autoscalingNullEvent,
    expected: true,
  },
  {
    name: 'null: [""] does not match null, they are not interchangeable (docs: Null values)',
    pattern: { detail: { responseElements: [''] } },
    event: autoscalingNullEvent,
    expected: false,
  },
  {
    name: 'null: [null] does not match "", they are not interchangeable (docs: Null values)',
    pattern: { detail: { eventVersion: [null] } },
    event: autoscalingNullEvent,
    expected: false,
  },
  {
    name: 'null: [null] does not match an absent field (docs: Null values)',
    pattern: { detail: { errorCode: [null] } },
    event: autoscalingNullEvent,
    expected: false,
  },

  // --- arrays ------------------------------------------------------------------------------
  {
    name: 'arrays: matches when pattern array and event array intersect (docs: Arrays)',
    pattern: RESOURCES_PATTERN,
    event: envelope(filteringDetail(), {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    }),
    expected: true,
  },
  {
    name: 'arrays: no intersection between pattern and event arrays does not match (docs: Arrays)',
    pattern: RESOURCES_PATTERN,
    event: envelope(filteringDetail(), {
      resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'],
    }),
    expected: false,
  },
  {
    name: 'arrays: a scalar pattern value matches any element of an event array (docs: Arrays)',
    pattern: { detail: { state: ['running'] } },
    event: envelope({ state: ['initializing', 'running'] }),
    expected: true,
  },
  {
    name: 'arrays: an empty event array matches no value (docs: Arrays)',
    pattern: RESOURCES_PATTERN,
    event: autoscalingNullEvent,
    expected: false,
  },
  {
    name: 'arrays: nested field inside an array of objects matches (Event Ruler: JSON Array Matching)',
    pattern: { detail: { employees: { firstName: ['Anna'] } } },
    event: envelope(EMPLOYEES_DETAIL),
    expected: true,
  },
  {
    name: 'arrays: fields from different array elements do not combine (Event Ruler: JSON Array Matching)',
    pattern: { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } },
    event: envelope(EMPLOYEES_DETAIL),
    expected: false,
  },
  {
    name: 'arrays: fields from the same array element combine (Event Ruler: JSON Array Matching)',
    pattern: { detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } },
    event: envelope(EMPLOYEES_DETAIL),
    expected: true,
  },

  // --- prefix ------------------------------------------------------------------------------
  {
    name: 'prefix: matches time prefix (docs: Prefix matching)',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'prefix: different day does not match (docs: Prefix matching)',
    pattern: { time: [{ prefix: '2017-10-03' }] },
    event: envelope(filteringDetail()),
    expected: false,
  },
  {
    name: 'prefix: Auto Scaling events from European regions (docs: Prefix matching example)',
    pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    event: { ...autoscalingNullEvent, region: 'eu-west-1' },
    expected: true,
  },
  {
    name: 'prefix: only works on string values, not numbers (docs: Prefix matching)',
    pattern: { detail: { 'c-count': [{ prefix: '5' }] } },
    event: envelope(filteringDetail()),
    expected: false,
  },
  {
    name: 'prefix: equals-ignore-case matches EVENTBRIDGE for EventB (docs: Prefix matching while ignoring case)',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: envelope({ service: 'EVENTBRIDGE' }),
    expected: true,
  },
  {
    name: 'prefix: equals-ignore-case rejects a different prefix (docs: Prefix matching while ignoring case)',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: envelope({ service: 'Lambda' }),
    expected: false,
  },
  {
    name: 'prefix: plain prefix stays case-sensitive (docs: Prefix matching)',
    pattern: { detail: { service: [{ prefix: 'EventB' }] } },
    event: envelope({ service: 'eventbridge' }),
    expected: false,
  },

  // --- suffix ------------------------------------------------------------------------------
  {
    name: 'suffix: FileName ends with .png (docs: Suffix matching)',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: envelope({ FileName: 'cat-photo.png' }),
    expected: true,
  },
  {
    name: 'suffix: .PNG does not match case-sensitive .png (docs: Suffix matching)',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: envelope({ FileName: 'cat-photo.PNG' }),
    expected: false,
  },
  {
    name: 'suffix: equals-ignore-case matches .PNG (docs: Suffix matching while ignoring case)',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: envelope({ FileName: 'CAT-PHOTO.PNG' }),
    expected: true,
  },
  {
    name: 'suffix: equals-ignore-case rejects another extension (docs: Suffix matching while ignoring case)',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: envelope({ FileName: 'cat-photo.jpg' }),
    expected: false,
  },

  // --- equals-ignore-case ------------------------------------------------------------------
  {
    name: 'equals-ignore-case: detail-type in lower case (docs: Equals-ignore-case matching)',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    event: ec2StateChange(),
    expected: true,
  },
  {
    name: 'equals-ignore-case: "alice" matches "ALICE" (docs: Equals-ignore-case matching)',
    pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    event: envelope({ Name: 'ALICE' }),
    expected: true,
  },
  {
    name: 'equals-ignore-case: is not a prefix match, "Alicia" fails (docs: Equals-ignore-case matching)',
    pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    event: envelope({ Name: 'Alicia' }),
    expected: false,
  },

  // --- anything-but ------------------------------------------------------------------------
  {
    name: 'anything-but: string, other state matches (docs: Anything-but matching)',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'anything-but: string, excluded state fails (docs: Anything-but matching)',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: envelope(filteringDetail({ state: 'initializing' })),
    expected: false,
  },
  {
    name: 'anything-but: number 123, other number matches (docs: Anything-but matching)',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'anything-but: number 123, excluded number fails (docs: Anything-but matching)',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: envelope(filteringDetail({ 'x-limit': 123 })),
    expected: false,
  },
  {
    name: 'anything-but: list of strings excludes "stopped" (docs: Anything-but matching)',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: envelope(filteringDetail({ state: 'stopped' })),
    expected: false,
  },
  {
    name: 'anything-but: list of strings lets "running" through (docs: Anything-but matching)',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'anything-but: list of numbers excludes 200 (docs: Anything-but matching)',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: envelope(filteringDetail({ 'x-limit': 200 })),
    expected: false,
  },
  {
    name: 'anything-but: list of numbers lets 301.8 through (docs: Anything-but matching)',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'anything-but: source list excludes aws.ec2 and aws.s3 (docs: Anything-but matching example)',
    pattern: { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] },
    event: s3ObjectCreated('a.csv'),
    expected: false,
  },
  {
    name: 'anything-but: prefix "init" excludes "initializing" (docs: Anything-but matching on prefix)',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: envelope(filteringDetail({ state: 'initializing' })),
    expected: false,
  },
  {
    name: 'anything-but: prefix "init" lets "running" through (docs: Anything-but matching on prefix)',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'anything-but: prefix "aws." selects only custom events (docs: Anything-but matching example)',
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    event: envelope({ orderId: 'o-123' }, { source: 'com.mycompany.orders', 'detail-type': 'Order Placed' }),
    expected: true,
  },
  {
    name: 'anything-but: prefix "aws." rejects AWS service events (docs: Anything-but matching example)',
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    event: ec2StateChange(),
    expected: false,
  },
  {
    name: 'anything-but: suffix ".txt" excludes "data.txt" (docs: Anything-but matching on suffix)',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    event: envelope({ FileName: 'data.txt' }),
    expected: false,
  },
  {
    name: 'anything-but: suffix ".txt" lets "image.png" through (docs: Anything-but matching on suffix)',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    event: envelope({ FileName: 'image.png' }),
    expected: true,
  },
  {
    name: 'anything-but: equals-ignore-case excludes "INITIALIZING" (docs: Anything-but matching ignoring case)',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: envelope(filteringDetail({ state: 'INITIALIZING' })),
    expected: false,
  },
  {
    name: 'anything-but: equals-ignore-case list excludes "Stopped" (docs: Anything-but matching ignoring case)',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } },
    event: envelope(filteringDetail({ state: 'Stopped' })),
    expected: false,
  },
  {
    name: 'anything-but: equals-ignore-case list lets "running" through (docs: Anything-but matching ignoring case)',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'anything-but: wildcard "*/lib/*" excludes a lib path (docs: Anything-but matching using a wildcard)',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: envelope({ FilePath: '/usr/lib/node' }),
    expected: false,
  },
  {
    name: 'anything-but: wildcard "*/lib/*" lets a bin path through (docs: Anything-but matching using a wildcard)',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: envelope({ FilePath: '/usr/bin/node' }),
    expected: true,
  },
  {
    name: 'anything-but: wildcard list excludes a bin path (docs: Anything-but matching using a wildcard)',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
    event: envelope({ FilePath: '/usr/bin/node' }),
    expected: false,
  },
  {
    name: 'anything-but: an absent field does not match (docs: Anything-but matching)',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: envelope({ 'instance-id': 'i-1' }),
    expected: false,
  },
  {
    name: 'anything-but: matches if ANY array element is not excluded (docs: Arrays + Anything-but matching)',
    pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
    event: envelope({ state: ['stopped', 'running'] }),
    expected: true,
  },
  {
    name: 'anything-but: a present null value is not excluded (docs: Anything-but matching)',
    pattern: { detail: { command: [{ 'anything-but': ['no-message'] }] } },
    event: envelope({ command: null, payload: 'baz' }),
    expected: true,
  },

  // --- numeric -----------------------------------------------------------------------------
  {
    name: 'numeric: sample event satisfies all three ranges (docs: Numeric matching)',
    pattern: NUMERIC_PATTERN,
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'numeric: lower bound is exclusive, c-count 0 fails (docs: Numeric matching)',
    pattern: NUMERIC_PATTERN,
    event: envelope(filteringDetail({ 'c-count': 0 })),
    expected: false,
  },
  {
    name: 'numeric: upper bound <= 5, c-count 6 fails (docs: Numeric matching)',
    pattern: NUMERIC_PATTERN,
    event: envelope(filteringDetail({ 'c-count': 6 })),
    expected: false,
  },
  {
    name: 'numeric: all fields must be true, d-count 12 fails (docs: Numeric matching)',
    pattern: NUMERIC_PATTERN,
    event: envelope(filteringDetail({ 'd-count': 12 })),
    expected: false,
  },
  {
    name: 'numeric: "=" 3.018e2 matches 301.8 (docs: Numeric matching)',
    pattern: { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'numeric: only JSON numbers, the string "5" fails (docs: Numeric matching)',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    event: envelope(filteringDetail({ 'c-count': '5' })),
    expected: false,
  },
  {
    name: 'numeric: ">=" includes the boundary (docs: Numeric matching)',
    pattern: { detail: { 'd-count': [{ numeric: ['>=', 3] }] } },
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'numeric: negative decimals compare numerically (docs: Numeric matching)',
    pattern: { detail: { delta: [{ numeric: ['<', 0] }] } },
    event: envelope({ delta: -0.5 }),
    expected: true,
  },
  {
    name: 'numeric: any element of a numeric array may match (docs: Arrays + Numeric matching)',
    pattern: { detail: { scores: [{ numeric: ['>', 10] }] } },
    event: envelope({ scores: [1, 20] }),
    expected: true,
  },

  // --- cidr --------------------------------------------------------------------------------
  {
    name: 'cidr: 10.0.0.0/24 contains 10.0.0.255 (docs: IP address matching)',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: envelope({ sourceIPAddress: '10.0.0.255' }),
    expected: true,
  },
  {
    name: 'cidr: 10.0.0.0/24 does not contain 10.0.1.1 (docs: IP address matching)',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: envelope({ sourceIPAddress: '10.0.1.1' }),
    expected: false,
  },
  {
    name: 'cidr: a non-IP string does not match (docs: IP address matching)',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: envelope({ sourceIPAddress: 'ec2.amazonaws.com' }),
    expected: false,
  },
  {
    name: 'cidr: IPv6 block 2001:db8::/32 (docs: IP address matching, IPv4 and IPv6)',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    event: envelope({ sourceIPAddress: '2001:db8:1234::1' }),
    expected: true,
  },

  // --- exists ------------------------------------------------------------------------------
  {
    name: 'exists: true matches an event with detail.state (docs: Exists matching)',
    pattern: { detail: { state: [{ exists: true }] } },
    event: ec2StateChange('pending'),
    expected: true,
  },
  {
    name: 'exists: true does not match without detail.state (docs: Exists matching)',
    pattern: { detail: { state: [{ exists: true }] } },
    event: envelope({ 'c-count': { c1: 100 } }),
    expected: false,
  },
  {
    name: 'exists: false matches an event without detail.c-count (docs: Exists matching)',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: envelope({ state: ['initializing', 'running'] }),
    expected: true,
  },
  {
    name: 'exists: false matches when c-count is not a leaf node (docs: Exists matching, leaf nodes only)',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: envelope({ state: ['initializing', 'running'], 'c-count': { c1: 100 } }),
    expected: true,
  },
  {
    name: 'exists: true does not match an intermediate node (docs: Exists matching, leaf nodes only)',
    pattern: { detail: { 'c-count': [{ exists: true }] } },
    event: envelope({ 'c-count': { c1: 100 } }),
    expected: false,
  },
  {
    name: 'exists: false does not match a present leaf (docs: Exists matching)',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: envelope(filteringDetail()),
    expected: false,
  },
  {
    name: 'exists: true matches a field present with null, the value is not considered (docs: Exists matching)',
    pattern: { detail: { responseElements: [{ exists: true }] } },
    event: autoscalingNullEvent,
    expected: true,
  },
  {
    name: 'exists: false matches when the whole parent object is absent (docs: Exists matching)',
    pattern: { detail: { requestParameters: { bucketName: [{ exists: false }] } } },
    event: s3ObjectCreated('a.csv'),
    expected: true,
  },
  {
    name: 'exists: description field present for full-text indexing (docs: Existence matching example)',
    pattern: { detail: { description: [{ exists: true }] } },
    event: envelope({ description: 'Disk almost full' }),
    expected: true,
  },

  // --- wildcard ----------------------------------------------------------------------------
  {
    name: 'wildcard: event bus ARN in any account (docs: Wildcard matching)',
    pattern: { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
    event: envelope({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' }),
    expected: true,
  },
  {
    name: 'wildcard: other region does not match (docs: Wildcard matching)',
    pattern: { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
    event: envelope({ EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders' }),
    expected: false,
  },
  {
    name: 'wildcard: S3 key "2023/*/XYZ/*.csv" (docs: Wildcard matching)',
    pattern: { source: ['aws.s3'], detail: { object: { key: [{ wildcard: '2023/*/XYZ/*.csv' }] } } },
    event: s3ObjectCreated('2023/10/XYZ/trades-0001.csv'),
    expected: true,
  },
  {
    name: 'wildcard: S3 key of another stock does not match (docs: Wildcard matching)',
    pattern: { detail: { object: { key: [{ wildcard: '2023/*/XYZ/*.csv' }] } } },
    event: s3ObjectCreated('2023/10/ABC/trades-0001.csv'),
    expected: false,
  },
  {
    name: 'wildcard: "*Title*" matches Title in the middle (docs: Wildcard matching)',
    pattern: { detail: { name: [{ wildcard: '*Title*' }] } },
    event: envelope({ name: 'MainTitleCard' }),
    expected: true,
  },
  {
    name: 'wildcard: "*" can match zero characters (docs: Wildcard matching)',
    pattern: { source: [{ wildcard: 'aws.*ec2' }] },
    event: ec2StateChange(),
    expected: true,
  },
  {
    name: 'wildcard: escaped "\\*" matches a literal star (docs: Wildcard matching)',
    pattern: { detail: { FileName: [{ wildcard: 'report\\*final*' }] } },
    event: envelope({ FileName: 'report*final.pdf' }),
    expected: true,
  },
  {
    name: 'wildcard: escaped "\\*" is not a wildcard (docs: Wildcard matching)',
    pattern: { detail: { FileName: [{ wildcard: 'report\\*final*' }] } },
    event: envelope({ FileName: 'report-2023-final.pdf' }),
    expected: false,
  },
  {
    name: 'wildcard: only matches string values (docs: Wildcard matching)',
    pattern: { detail: { 'c-count': [{ wildcard: '*' }] } },
    event: envelope(filteringDetail()),
    expected: false,
  },

  // --- $or ---------------------------------------------------------------------------------
  {
    name: '$or: source AND metricName branch (docs: Or matching)',
    pattern: OR_METRIC_PATTERN,
    event: cloudwatchEvent({ metricName: 'CPUUtilization' }),
    expected: true,
  },
  {
    name: '$or: source AND namespace branch (docs: Or matching)',
    pattern: OR_METRIC_PATTERN,
    event: cloudwatchEvent({ namespace: 'AWS/EC2' }),
    expected: true,
  },
  {
    name: '$or: no branch matches (docs: Or matching)',
    pattern: OR_METRIC_PATTERN,
    event: cloudwatchEvent({ metricName: 'DiskReadOps', namespace: 'AWS/RDS' }),
    expected: false,
  },
  {
    name: '$or: a matching branch does not rescue a failing sibling field (docs: Or matching)',
    pattern: OR_METRIC_PATTERN,
    event: { ...cloudwatchEvent({ metricName: 'CPUUtilization' }), source: 'aws.ec2' },
    expected: false,
  },
  {
    name: '$or: nested in detail, x-limit branch matches (docs: Or matching)',
    pattern: OR_NUMERIC_PATTERN,
    event: envelope(filteringDetail({ 'c-count': 0, 'd-count': 12 })),
    expected: true,
  },
  {
    name: '$or: nested in detail, no numeric branch matches (docs: Or matching)',
    pattern: OR_NUMERIC_PATTERN,
    event: envelope(filteringDetail({ 'c-count': 0, 'd-count': 12, 'x-limit': 1 })),
    expected: false,
  },
  {
    name: '$or: a branch with an AND inside (docs: Or matching)',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    event: cloudwatchEvent({ metricType: 'MetricType', namespace: 'AWS/ES' }),
    expected: true,
  },
  {
    name: '$or: every field of an AND branch must match (docs: Or matching)',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    event: cloudwatchEvent({ metricType: 'Other', namespace: 'AWS/ES' }),
    expected: false,
  },
  {
    name: '$or: nested $or inside an $or branch (docs: Or matching)',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      ],
    },
    event: cloudwatchEvent({ metricType: 'MetricType', spaceId: 1000 }),
    expected: true,
  },
  {
    name: '$or: parallel $or at top level and in detail must both hold (docs: Or matching)',
    pattern: {
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ state: ['ALARM'] }, { previousState: ['OK'] }] },
    },
    event: cloudwatchEvent({ namespace: 'AWS/EC2' }, { state: 'INSUFFICIENT_DATA', previousState: 'ALARM' }),
    expected: false,
  },

  // --- complex -----------------------------------------------------------------------------
  {
    name: 'complex: prefix + anything-but + numeric + cidr all hold (docs: Complex example with multiple matching)',
    pattern: COMPLEX_PATTERN,
    event: envelope(filteringDetail()),
    expected: true,
  },
  {
    name: 'complex: one failing anything-but (x-limit 200) fails the rule (docs: Complex example with multiple matching)',
    pattern: COMPLEX_PATTERN,
    event: envelope(filteringDetail({ 'x-limit': 200 })),
    expected: false,
  },
  {
    name: 'complex: source IP outside 10.0.0.0/8 fails the rule (docs: Complex example with multiple matching)',
    pattern: COMPLEX_PATTERN,
    event: envelope(filteringDetail({ 'source-ip': '192.168.0.10' })),
    expected: false,
  },
];

describe('matchesPattern', () => {
  it('has a large enough table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(cases.some((c) => c.expected)).toBe(true);
    expect(cases.some((c) => !c.expected)).toBe(true);
  });

  it.each(cases)('$name', ({ pattern, event, expected }) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it.each(cases)('pattern in table is valid: $name', ({ pattern }) => {
    expect(validatePattern(pattern)).toEqual([]);
  });
});

type ValidationCase = { name: string; pattern: unknown; problem: RegExp };

const invalid: ValidationCase[] = [
  {
    name: 'leaf value must be an array, not a bare string (docs: Event patterns, values in arrays)',
    pattern: { source: 'aws.ec2' },
    problem: /source: value must be an array/,
  },
  {
    name: 'unknown operator "contains"',
    pattern: { detail: { type: [{ contains: 'Normal' }] } },
    problem: /detail\.type\[0\]: unknown operator "contains"/,
  },
  {
    name: 'numeric operand must be a number (docs: Numeric matching)',
    pattern: { detail: { 'c-count': [{ numeric: ['>', '5'] }] } },
    problem: /numeric: operand of ">" must be a number/,
  },
  {
    name: 'numeric operator must be known (docs: Numeric matching)',
    pattern: { detail: { 'c-count': [{ numeric: ['!=', 5] }] } },
    problem: /unknown numeric operator/,
  },
  {
    name: 'numeric operand within -5.0e9..+5.0e9 (docs: Numeric matching)',
    pattern: { detail: { 'c-count': [{ numeric: ['<', 1e10] }] } },
    problem: /outside/,
  },
  {
    name: 'numeric needs operator/number pairs (docs: Numeric matching)',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<='] }] } },
    problem: /operator\/number pairs/,
  },
  { name: 'empty matcher array', pattern: { source: [] }, problem: /source: matcher array must not be empty/ },
  { name: 'empty nested pattern', pattern: { detail: {} }, problem: /detail: nested pattern must not be empty/ },
  { name: 'empty pattern', pattern: {}, problem: /at least one field/ },
  { name: 'pattern must be an object', pattern: [{ source: ['aws.ec2'] }], problem: /must be a JSON object/ },
  {
    name: 'exists takes a boolean (docs: Exists matching)',
    pattern: { detail: { state: [{ exists: 'true' }] } },
    problem: /exists: value must be true or false/,
  },
  {
    name: 'anything-but list must not mix strings and numbers (docs: Anything-but matching)',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 1] }] } },
    problem: /only strings or only numbers/,
  },
  {
    name: 'anything-but prefix takes a single prefix, not a list (docs: Anything-but matching)',
    pattern: { detail: { state: [{ 'anything-but': { prefix: ['init', 'stop'] } }] } },
    problem: /prefix must be a single string/,
  },
  {
    name: 'anything-but nested operator must be supported (docs: Anything-but matching)',
    pattern: { detail: { state: [{ 'anything-but': { numeric: ['>', 1] } }] } },
    problem: /unsupported nested operator "numeric"/,
  },
  {
    name: 'cidr must be a valid block (docs: IP address matching)',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/33' }] } },
    problem: /cidr: value must be an IPv4 or IPv6 CIDR block/,
  },
  {
    name: 'wildcard rejects consecutive stars (docs: Wildcard matching)',
    pattern: { detail: { key: [{ wildcard: 'a**b' }] } },
    problem: /consecutive wildcard characters/,
  },
  {
    name: 'wildcard backslash may only escape * or \\ (docs: Wildcard matching)',
    pattern: { detail: { key: [{ wildcard: 'a\\b' }] } },
    problem: /backslash/,
  },
  {
    name: 'prefix must be a string (docs: Prefix matching)',
    pattern: { time: [{ prefix: 2017 }] },
    problem: /prefix: value must be a string/,
  },
  {
    name: 'operator object has exactly one key',
    pattern: { detail: { FileName: [{ prefix: 'a', suffix: '.png' }] } },
    problem: /exactly one key/,
  },
  {
    name: '$or needs at least two branches (docs: Or matching)',
    pattern: { $or: [{ source: ['aws.ec2'] }] },
    problem: /"\$or" must be an array of at least two patterns/,
  },
  {
    name: '$or branches are validated recursively (docs: Or matching)',
    pattern: { $or: [{ source: ['aws.ec2'] }, { region: 'us-east-1' }] },
    problem: /\$or\[1\]\.region: value must be an array/,
  },
];

describe('validatePattern', () => {
  it.each(invalid)('reports a problem: $name', ({ pattern, problem }) => {
    const problems = validatePattern(pattern);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(problem);
  });

  it('reports every problem, not just the first one', () => {
    const problems = validatePattern({ source: 'aws.ec2', detail: { state: [], x: [{ numeric: ['>', 'a'] }] } });
    expect(problems).toHaveLength(3);
  });
});
