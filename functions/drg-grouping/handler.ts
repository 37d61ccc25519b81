import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { preGroupRoute } from './pre-group.ts';

const logger = createLogger('drg-pre-group');

/**
 * CHS-DRG pre-grouping (预分组): the providers' synchronous route. The consumer that turns every
 * settled inpatient claim into a grouped case is consumer-handler.ts, a Lambda of its own.
 */
export const handler = httpApi(logger, 'drgPreGroup', { preGroupCase: preGroupRoute });
