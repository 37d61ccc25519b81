/**
 * Text answers (CSV reports, the readable summary) through `httpApi`, which writes every body as
 * JSON: a route returns its text as the body with a text/* content type, and this middleware,
 * added after httpApi's own, unwraps the JSON string so the client gets the text itself.
 */
import type { MiddlewareObj } from '@middy/core';
import type { ApiEvent, ApiResponse, ApiResult } from '../http/api.ts';

export const unwrapTextBodies: MiddlewareObj<ApiEvent, ApiResult> = {
  after: (request) => {
    const response = request.response;
    const type = response?.headers?.['content-type'];
    if (
      response &&
      typeof type === 'string' &&
      type.startsWith('text/') &&
      typeof response.body === 'string' &&
      response.body.startsWith('"')
    ) {
      response.body = JSON.parse(response.body) as string;
    }
  },
};

export type ReportFormat = 'json' | 'csv' | 'text';

export const csvResponse = (csv: string, filename: string): ApiResponse => ({
  statusCode: 200,
  headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` },
  body: csv,
});

export const textResponse = (lines: readonly string[]): ApiResponse => ({
  statusCode: 200,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: `${lines.join('\n')}\n`,
});
