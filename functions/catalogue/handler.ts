import { unwrapTextBodies } from '../../shared/budget/http-text.ts';
import { httpApi } from '../../shared/http/api.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import {
  downloadCatalogue,
  getCatalogueEntry,
  getCatalogueImport,
  listCatalogueVersions,
  publishCatalogueImport,
  putCatalogueImportChunk,
  searchCatalogue,
  startCatalogueImport,
  validateCatalogueImport,
} from './routes.ts';

const logger = createLogger('catalogue');

/** Catalogues (医保目录): import jobs and versions for staff; search and download for providers. The CSV download is text. */
export const handler = httpApi(logger, 'catalogue', {
  startCatalogueImport,
  putCatalogueImportChunk,
  validateCatalogueImport,
  publishCatalogueImport,
  getCatalogueImport,
  listCatalogueVersions,
  searchCatalogue,
  getCatalogueEntry,
  downloadCatalogue,
}).use(unwrapTextBodies);
