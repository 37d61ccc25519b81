/**
 * Small helpers shared by the stack's construct modules: typed iteration over the topology records,
 * construct ids derived from topology keys, and the `yibao:key` tag that maps every CloudFormation
 * resource back to the topology entry it came from (tests and the local-parity check read it).
 */
import { Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The tag naming the topology key a table, queue, dead-letter queue, rule or function was generated
 * from. Keys repeat across kinds (`audit` is a table, a queue and a function): match on type too.
 */
export const KEY_TAG = 'yibao:key';

/** Tag value of a queue's dead-letter queue. */
export const dlqKey = (queueKey: string): string => `${queueKey}-dlq`;

/** Tag value of the one dead-letter queue shared by every schedule's target. */
export const SCHEDULER_DLQ_KEY = 'scheduler-dlq';

/** Tag value of the one dead-letter queue shared by every bus rule's target. */
export const RULES_DLQ_KEY = 'rules-dlq';

export function tagKey(scope: IConstruct, key: string): void {
  Tags.of(scope).add(KEY_TAG, key);
}

/** `Object.entries` that keeps the key type of a topology record. */
export function entries<K extends string, V>(record: Record<K, V>): Array<[K, V]> {
  return Object.entries(record) as Array<[K, V]>;
}

/** `drgGrouping` → `DrgGrouping`: construct ids (and so logical ids) follow the topology keys. */
export const pascal = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);
