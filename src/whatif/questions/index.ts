/**
 * Every question type's runner, in one table. Adding a question type (minNodes): its schema in
 * api/scenario.ts QUESTION_SCHEMAS, its resolved shape in api/scenario-files.ts, its result in
 * result.ts QuestionResult, a runner file here and one line below.
 */
import type { QuestionType } from '../../api/scenario.js';
import type { ScenarioQuestion } from '../../api/scenario-files.js';
import type { QuestionResult } from '../result.js';
import { compare } from './compare.js';
import { drain } from './drain.js';
import { maxReplicas } from './max-replicas.js';
import type { QuestionContext, QuestionRunner } from './types.js';

/** Runners by question type. */
export const QUESTION_RUNNERS: { readonly [T in QuestionType]: QuestionRunner<T> } = { maxReplicas, drain, compare };

/** Answers one question. */
export function runQuestion(q: ScenarioQuestion, ctx: QuestionContext): QuestionResult {
  return (QUESTION_RUNNERS[q.type] as QuestionRunner<QuestionType>)(q as never, ctx);
}
