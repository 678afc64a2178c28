/**
 * Every question type's runner, in one table. Adding a question type: its schema in
 * api/scenario.ts QUESTION_SCHEMAS, its resolved shape in api/scenario-files.ts, its result in
 * result.ts QuestionResult, a runner file here and one line below.
 */
import type { QuestionType } from '../../api/scenario.js';
import type { ScenarioQuestion } from '../../api/scenario-files.js';
import { compare } from './compare.js';
import { drain } from './drain.js';
import { maxReplicas } from './max-replicas.js';
import { minNodesQuestion } from './min-nodes.js';
import { singlePart, type QuestionDef } from './types.js';

/** Question types, by the key that names them. */
export const QUESTIONS: { readonly [T in QuestionType]: QuestionDef<T> } = {
  maxReplicas: singlePart(maxReplicas),
  drain: singlePart(drain),
  compare,
  minNodes: minNodesQuestion,
};

/** The definition of a question's type. */
export function questionDef(q: ScenarioQuestion): QuestionDef<QuestionType> {
  return QUESTIONS[q.type] as QuestionDef<QuestionType>;
}
