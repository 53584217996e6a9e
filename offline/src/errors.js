// The one error type of the package, and the one place a Result becomes it.

/** A failed command, query or call: the core's {code, reason, message}. */
export class WeigeError extends Error {
  constructor({ code = 'internal', reason = 'internal', message = '' } = {}) {
    super(message || reason);
    this.name = 'WeigeError';
    this.code = code;
    this.reason = reason;
  }
}

/**
 * Turns the JSON text of a core Result ({ok, code, reason, message, value})
 * into its value, or throws its WeigeError.
 */
export function unwrap(resultText) {
  let result;
  try {
    result = JSON.parse(resultText);
  } catch (e) {
    throw new WeigeError({ code: 'internal', reason: 'runtime.bad_result', message: String(e) });
  }
  if (!result.ok) throw new WeigeError(result);
  return result.value;
}
