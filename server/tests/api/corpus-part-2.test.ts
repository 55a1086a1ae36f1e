import { defineCorpusPart } from './corpus-suite.js';

// The generated bad-input corpus, part 2: see corpus-suite.ts.
defineCorpusPart(1);
