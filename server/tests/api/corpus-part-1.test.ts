import { defineCorpusPart } from './corpus-suite.js';

// The generated bad-input corpus, part 1: see corpus-suite.ts.
defineCorpusPart(0);
