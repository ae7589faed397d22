import { Errors } from "../errors.js";
import { AmountError, checkMinorUnits, type Decimal, parseAmount, toKiboAmount } from "./index.js";

/** How a face refuses a bad amount: Kibo's 400 by default; Magento faces pass their own fault. */
export type AmountRefusal = (parameter: string, message: string) => Error;

const invalidParameter: AmountRefusal = (parameter, message) => Errors.invalidParameter(message, { parameter });

/** Runs an amount check, turning its AmountError into the face's refusal naming the parameter. */
function refusing(parameter: string, refuse: AmountRefusal, check: () => Decimal): Decimal {
  try {
    return check();
  } catch (error) {
    if (error instanceof AmountError) throw refuse(parameter, `${parameter}: ${error.message}`);
    throw error;
  }
}

/** Reads a request amount (see parseAmount); a malformed one is refused naming its parameter. */
export function readAmountParameter(parameter: string, value: number | string, refuse = invalidParameter): Decimal {
  return refusing(parameter, refuse, () => parseAmount(value));
}

/** An amount (or a balance it leads to) must be one Tally can answer as an exact JSON number. */
export function reportableAmount(parameter: string, amount: Decimal, refuse = invalidParameter): Decimal {
  return refusing(parameter, refuse, () => {
    toKiboAmount(amount);
    return amount;
  });
}

/** An amount of new money must be in whole minor units of its currency (see checkMinorUnits). */
export function minorUnitAmount(parameter: string, amount: Decimal, currencyCode: string, refuse = invalidParameter): Decimal {
  return refusing(parameter, refuse, () => checkMinorUnits(amount, currencyCode));
}
