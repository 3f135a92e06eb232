// The entry of `npm run verify-journal` (built to out/tools/verify-journal.mjs by scripts/build.mjs).
import { verifyJournalCli } from './verify-journal';

process.exitCode = verifyJournalCli(process.argv.slice(2));
