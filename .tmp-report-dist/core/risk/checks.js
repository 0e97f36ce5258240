/**
 * Validity checks used by the content detectors: Luhn (ISO/IEC 7812-1 Annex B), card issuer
 * ranges, US SSN assignment rules, IBAN length and mod-97 check (ISO 13616 / ISO 7064 MOD 97-10).
 * Pure functions over digit strings; nothing here keeps or returns the value.
 */
/** Luhn checksum over a string of digits (ISO/IEC 7812-1 Annex B) */
export function luhnValid(digits) {
    let sum = 0;
    let double = false;
    for (let i = digits.length - 1; i >= 0; i--) {
        let d = digits.charCodeAt(i) - 48;
        if (d < 0 || d > 9)
            return false;
        if (double) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        double = !double;
    }
    return digits.length > 0 && sum % 10 === 0;
}
const ISO = 'ISO/IEC 7812-1 issuer identification; range as published by the network';
/** issuer ranges of the major card networks (PAN length 13-19) */
export const IIN_RANGES = [
    { network: 'visa', prefixLen: 1, from: 4, to: 4, minLen: 13, maxLen: 19, basis: `${ISO} (Visa: 4)` },
    { network: 'mastercard', prefixLen: 2, from: 51, to: 55, minLen: 16, maxLen: 16, basis: `${ISO} (Mastercard 51-55)` },
    { network: 'mastercard', prefixLen: 4, from: 2221, to: 2720, minLen: 16, maxLen: 16, basis: `${ISO} (Mastercard 2-series, 2017)` },
    { network: 'amex', prefixLen: 2, from: 34, to: 34, minLen: 15, maxLen: 15, basis: `${ISO} (American Express 34)` },
    { network: 'amex', prefixLen: 2, from: 37, to: 37, minLen: 15, maxLen: 15, basis: `${ISO} (American Express 37)` },
    { network: 'discover', prefixLen: 4, from: 6011, to: 6011, minLen: 16, maxLen: 19, basis: `${ISO} (Discover 6011)` },
    { network: 'discover', prefixLen: 3, from: 644, to: 649, minLen: 16, maxLen: 19, basis: `${ISO} (Discover 644-649)` },
    { network: 'discover', prefixLen: 2, from: 65, to: 65, minLen: 16, maxLen: 19, basis: `${ISO} (Discover 65)` },
    { network: 'unionpay', prefixLen: 2, from: 62, to: 62, minLen: 16, maxLen: 19, basis: `${ISO} (UnionPay 62)` },
    { network: 'jcb', prefixLen: 4, from: 3528, to: 3589, minLen: 16, maxLen: 19, basis: `${ISO} (JCB 3528-3589)` },
    { network: 'diners', prefixLen: 3, from: 300, to: 305, minLen: 14, maxLen: 19, basis: `${ISO} (Diners Club 300-305)` },
    { network: 'diners', prefixLen: 2, from: 36, to: 36, minLen: 14, maxLen: 19, basis: `${ISO} (Diners Club 36)` },
    { network: 'diners', prefixLen: 2, from: 38, to: 39, minLen: 16, maxLen: 19, basis: `${ISO} (Diners Club 38-39)` },
    { network: 'mir', prefixLen: 4, from: 2200, to: 2204, minLen: 16, maxLen: 19, basis: `${ISO} (Mir 2200-2204)` },
    { network: 'maestro', prefixLen: 4, from: 5018, to: 5018, minLen: 13, maxLen: 19, basis: `${ISO} (Maestro 5018)` },
    { network: 'maestro', prefixLen: 4, from: 5020, to: 5020, minLen: 13, maxLen: 19, basis: `${ISO} (Maestro 5020)` },
    { network: 'maestro', prefixLen: 4, from: 5038, to: 5038, minLen: 13, maxLen: 19, basis: `${ISO} (Maestro 5038)` },
    { network: 'maestro', prefixLen: 4, from: 6304, to: 6304, minLen: 13, maxLen: 19, basis: `${ISO} (Maestro 6304)` },
    { network: 'maestro', prefixLen: 4, from: 6759, to: 6759, minLen: 13, maxLen: 19, basis: `${ISO} (Maestro 6759)` },
    { network: 'maestro', prefixLen: 4, from: 6761, to: 6763, minLen: 13, maxLen: 19, basis: `${ISO} (Maestro 6761-6763)` },
];
/** the card network whose issuer range and length fit, or null */
export function cardNetwork(digits) {
    for (const r of IIN_RANGES) {
        if (digits.length < r.minLen || digits.length > r.maxLen)
            continue;
        const p = Number(digits.slice(0, r.prefixLen));
        if (p >= r.from && p <= r.to)
            return r.network;
    }
    return null;
}
/** a plausible payment card number: 13-19 digits, not one repeated digit, Luhn-valid, known issuer range */
export function isCardNumber(digits) {
    if (!/^\d{13,19}$/.test(digits))
        return false;
    if (/^(\d)\1+$/.test(digits))
        return false;
    return luhnValid(digits) && cardNetwork(digits) !== null;
}
/** SSNs SSA voided or published as samples: 078-05-1120 (Woolworth wallet insert, 1938), 219-09-9999 (SSA pamphlet), 123-45-6789 (common placeholder) */
const INVALID_SSNS = new Set(['078051120', '219099999', '123456789']);
/**
 * US Social Security Number assignment rules (SSA, "SSN randomization", 2011): area 000, 666 and
 * 900-999 are never assigned, group 00 and serial 0000 are never assigned.
 */
export function isValidSsn(area, group, serial) {
    if (!/^\d{3}$/.test(area) || !/^\d{2}$/.test(group) || !/^\d{4}$/.test(serial))
        return false;
    if (area === '000' || area === '666' || area[0] === '9')
        return false;
    if (group === '00' || serial === '0000')
        return false;
    return !INVALID_SSNS.has(area + group + serial);
}
/** IBAN length per country (SWIFT IBAN Registry, ISO 13616-1) */
export const IBAN_LENGTHS = Object.freeze({
    AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
    CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
    FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
    IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
    LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
    NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
    SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
    UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
});
/** ISO 7064 MOD 97-10 over an IBAN with its first four characters moved to the end */
export function ibanMod97(iban) {
    const s = iban.slice(4) + iban.slice(0, 4);
    let rem = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 48 && c <= 57)
            rem = (rem * 10 + (c - 48)) % 97;
        else if (c >= 65 && c <= 90)
            rem = (rem * 100 + (c - 55)) % 97;
        else
            return -1;
    }
    return rem;
}
/** a compact (no spaces), upper-case IBAN with the right country length and check digits */
export function isValidIban(compact) {
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact))
        return false;
    const len = IBAN_LENGTHS[compact.slice(0, 2)];
    return len !== undefined && compact.length === len && ibanMod97(compact) === 1;
}
//# sourceMappingURL=checks.js.map