/**
 * The extender's error table is the catalogue's extender entries (one source of truth), and an
 * ExtenderHttpError answers with its code's status.
 */
import { describe, expect, it } from 'vitest';
import { EXTENDER_ERRORS, ExtenderHttpError, type ExtenderErrorCode } from '../../src/extender/errors.js';
import { ERROR_CODES } from '../../src/model/error-codes.js';

describe('extender errors', () => {
  it('EXTENDER_ERRORS is exactly the catalogue entries with an HTTP status, the same objects', () => {
    const withStatus = Object.entries(ERROR_CODES).filter(([, info]) => 'status' in info);
    expect(Object.keys(EXTENDER_ERRORS).sort()).toEqual(withStatus.map(([code]) => code).sort());
    for (const [code, info] of withStatus) expect(EXTENDER_ERRORS[code as ExtenderErrorCode]).toBe(info);
    expect(Object.keys(EXTENDER_ERRORS)).toHaveLength(13);
  });

  it.each([
    ['PODFIT_ERR_EXTENDER_BAD_JSON', 400],
    ['PODFIT_ERR_EXTENDER_UNAUTHENTICATED', 401],
    ['PODFIT_ERR_EXTENDER_FORBIDDEN', 403],
    ['PODFIT_ERR_EXTENDER_NOT_FOUND', 404],
    ['PODFIT_ERR_EXTENDER_BODY_TOO_LARGE', 413],
    ['PODFIT_ERR_EXTENDER_OVERLOADED', 429],
    ['PODFIT_ERR_EXTENDER_INTERNAL', 500],
    ['PODFIT_ERR_EXTENDER_NOT_READY', 503],
  ] as const)('%s answers %i, with the code and the message as given', (code, status) => {
    const e = new ExtenderHttpError(code, 'why');
    expect(e.status).toBe(status);
    expect(e.code).toBe(code);
    expect(e.message).toBe('why');
  });
});
