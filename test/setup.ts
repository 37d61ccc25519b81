import { quietNodeVersionNotice } from '../infra/local/quiet.ts';

quietNodeVersionNotice();
