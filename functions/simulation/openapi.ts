/**
 * The policy simulation routes, documented from the schemas the handler validates with.
 * `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import { routeDocsOf } from '../../tools/route-docs.ts';
import { simulationRequestSchema } from '../../shared/simulation/request.ts';
import { listQuery, reportQuery, runIdParams } from './handler.ts';

const tags = ['policy simulation'];

export const routeDocs = routeDocsOf<'simulation'>({
  startSimulation: {
    tags,
    roles: ['staff'],
    summary: 'Simulate a draft policy over a window of settled claims (政策测算)',
    description:
      'Needs the staff permission `simulation:run`. The draft is a whole document of kind `benefits`, `drg`, `dip` or `year-end`, as it would be published with ' +
      'POST /v1/policies, or kind `catalogue`: `{ region, version, effectiveFrom, title, rows, removed }`, the rows as a catalogue import reads them ' +
      '(a 丙 item made 甲, a price limit changed…) and the codes taken out; it is validated before anything runs (400 naming `body.draft.document.<field>`, ' +
      'a catalogue row as `rows.<i>.<column>`) and must be for the window’s region and year (and scheme, for benefits; a catalogue of the region, its ' +
      'province or the national list). A year-end or DRG/DIP draft settles the window’s year-end both ways (point value, each provider’s entitlement). Every claim of the year up to the window’s end is settled again, each member’s ' +
      'in the order it was settled, from fresh accumulators, under the policy in force and under the draft (claims of the window only), with the ' +
      'same engines as the live path; nothing live is written. The run is keyed by the request: the same draft over the same window answers ' +
      'the stored run (200). It fans out by member partition (worker threads locally; one Lambda per partition on AWS). ' +
      'Assumptions: openingReserve, annualIncome, drgBudget, catastrophicLine (yuan); contributionGrowth, costTrend, enrolmentChange ("5%").',
    request: { body: simulationRequestSchema },
    responses: {
      202: { description: 'Started: the run, with its progress and links' },
      200: { description: 'The same request: the run already stored (running or done)' },
    },
  },
  listSimulations: {
    tags,
    roles: ['staff', 'regulator'],
    summary: "A region's simulation runs, newest first",
    request: { query: listQuery },
    responses: { 200: { description: 'The runs' } },
  },
  getSimulation: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'A simulation run: status, progress (partition groups done, claims replayed) and, once done, its summary',
    request: { params: runIdParams },
    responses: { 200: { description: 'The run' }, 404: { description: 'No such run' } },
  },
  getSimulationReport: {
    tags,
    roles: ['staff', 'regulator'],
    summary:
      'The report: fund by layer, scheme, category, level, out-of-pocket distribution, most affected, DRG, reserve projection (JSON or CSV)',
    description:
      'In force, draft and difference for every figure (integer fen; points in centipoints); `series` is chart-ready by settlement month. ' +
      'CSV: one row per figure (section, key, measure, in_force, draft, difference), yuan with two decimals.',
    request: { params: runIdParams, query: reportQuery },
    responses: {
      200: { description: 'The report' },
      404: { description: 'No such run' },
      409: { description: 'Not done yet (or failed)' },
    },
  },
});
