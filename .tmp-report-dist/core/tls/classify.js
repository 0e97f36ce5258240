import { groupClass, groupInfo, groupName, isGrease, strongerClass } from './groups.js';
import { alertName, cipherSuiteName, isTls13Version, suiteKex, versionName } from './suites.js';
const RESUMED_MECH = 'resumed (key exchange not in this flow)';
/** share length / ML-KEM verdict for one client share: null = not a checked hybrid/pq share */
function clientShareVerdict(e) {
    const g = groupInfo(e.group);
    if (g === undefined || g.class === 'classical' || g.requireLength === true || g.clientShareLen === undefined)
        return null;
    if (e.length !== g.clientShareLen)
        return 'length-mismatch';
    if (e.mlkemKeyValid === false)
        return 'mlkem-key-invalid';
    return 'ok';
}
function worse(a, b) {
    const rank = (x) => (x === null ? 0 : x === 'ok' ? 1 : x === 'mlkem-key-invalid' ? 2 : 3);
    return rank(b) > rank(a) ? b : a;
}
function offeredClasses(ch, bad) {
    let offered = 'unknown';
    let keyShare = null;
    let sawGroup = false;
    for (const g of ch.supportedGroups) {
        if (isGrease(g))
            continue;
        sawGroup = true;
        if (!bad.has(g))
            offered = strongerClass(offered, groupClass(g));
    }
    for (const e of ch.keyShares) {
        if (isGrease(e.group))
            continue;
        sawGroup = true;
        const cls = bad.has(e.group) ? 'unknown' : groupClass(e.group, e.length);
        offered = strongerClass(offered, cls);
        keyShare = strongerClass(keyShare ?? 'unknown', cls);
    }
    // GROUPS.md: a ClientHello without supported_groups (TLS ≤ 1.2 RSA/DHE-only client) is classical
    if (!sawGroup)
        offered = 'classical';
    return { offered, keyShare };
}
export function classifyTls(tls, hints) {
    const out = {
        offered: 'unknown',
        offeredKeyShare: null,
        negotiated: 'unknown',
        group: null,
        codepoint: null,
        reason: 'no-handshake',
        mechanism: null,
        detail: 'no TLS handshake in capture',
        handshake: 'none',
        resumption: null,
        version: null,
        tls13Offered: false,
        helloRetryRequest: false,
        hrrGroup: null,
        shareValidation: null,
        offeredGroups: [],
        keyShareGroups: [],
        cipherSuite: null,
    };
    if (tls === null)
        return out;
    const ch = tls.clientHello;
    const sh = tls.serverHello;
    const hrr = tls.helloRetryRequest;
    // share validation over every client share (both ClientHellos)
    const bad = new Set();
    for (const c of [ch, tls.clientHello2]) {
        if (c === null)
            continue;
        for (const e of c.keyShares) {
            const v = clientShareVerdict(e);
            if (v !== null && v !== 'ok')
                bad.add(e.group);
            out.shareValidation = worse(out.shareValidation, v);
        }
    }
    if (ch !== null) {
        const o = offeredClasses(ch, bad);
        out.offered = o.offered;
        out.offeredKeyShare = o.keyShare;
        out.offeredGroups = ch.supportedGroups.filter((g) => !isGrease(g)).map(groupName);
        out.keyShareGroups = ch.keyShares.filter((e) => !isGrease(e.group)).map((e) => groupName(e.group));
        out.tls13Offered = ch.supportedVersions.includes(0x0304);
    }
    if (hrr !== null) {
        out.helloRetryRequest = true;
        out.hrrGroup = hrr.keyShareGroup >= 0 ? groupName(hrr.keyShareGroup) : null;
    }
    if (sh === null) {
        out.reason = null;
        if (ch === null && hrr === null) {
            out.reason = tls.errors.length > 0 ? 'decode-error' : 'no-handshake';
            out.detail = tls.errors.length > 0 ? `decode error: ${tls.errors[0] ?? ''}` : 'no TLS handshake in capture';
            out.handshake = 'none';
        }
        else if (tls.alert !== -1) {
            out.reason = 'handshake-failed';
            out.detail = `no ServerHello; alert ${alertName(tls.alert)}`;
            out.handshake = 'failed';
        }
        else if (tls.errors.length > 0) {
            out.reason = 'decode-error';
            out.detail = `decode error: ${tls.errors[0] ?? ''}`;
            out.handshake = 'incomplete';
        }
        else {
            out.reason = 'no-server-hello';
            out.detail = 'no ServerHello in capture';
            out.handshake = 'incomplete';
        }
        return out;
    }
    out.handshake = ch === null ? 'server_only' : 'negotiated';
    out.reason = null;
    out.detail = null;
    if (sh.sslv2 === true) {
        // SSL 2.0: every cipher kind uses RSA key transport (SSL 2.0 spec §2.5)
        out.version = versionName(0x0002);
        return setRsa(out);
    }
    const ver = sh.selectedVersion !== 0 ? sh.selectedVersion : sh.legacyVersion;
    out.version = versionName(ver);
    out.cipherSuite = cipherSuiteName(sh.cipherSuite);
    if (isTls13Version(ver)) {
        if (sh.keyShareGroup >= 0) {
            out.mechanism = 'key_share';
            out.codepoint = sh.keyShareGroup;
            out.group = groupName(sh.keyShareGroup);
            if (sh.pskSelected)
                out.resumption = 'tls13-psk_dhe_ke';
            const g = groupInfo(sh.keyShareGroup);
            const cls = groupClass(sh.keyShareGroup, sh.keyShareLength);
            if (g !== undefined && g.class !== 'classical' && g.serverShareLen !== undefined && sh.keyShareLength !== g.serverShareLen) {
                out.shareValidation = 'length-mismatch';
                out.negotiated = 'unknown';
                out.reason = 'unknown-group';
                out.detail = `server share of ${sh.keyShareLength} bytes does not match ${g.name} (${g.serverShareLen})`;
            }
            else if (bad.has(sh.keyShareGroup)) {
                out.negotiated = 'unknown';
                out.reason = 'unknown-group';
                out.detail = `client share for ${g?.name ?? out.group} failed validation (${out.shareValidation ?? ''})`;
            }
            else {
                out.negotiated = cls;
                if (cls === 'unknown') {
                    out.reason = 'unknown-group';
                    out.detail = `group ${out.group} is not in the codepoint table`;
                }
            }
            return out;
        }
        if (sh.pskSelected) {
            out.resumption = 'tls13-psk_ke';
            return setResumed(out, hints);
        }
        out.reason = 'decode-error';
        out.detail = 'TLS 1.3 ServerHello without key_share or pre_shared_key';
        return out;
    }
    // TLS ≤ 1.2
    const abbreviated = tls.abbreviated === true ||
        (tls.serverKeyExchange === null &&
            tls.certificate === null &&
            tls.serverHelloDone !== true &&
            ch !== null &&
            ch.sessionId.length > 0 &&
            sameBytes(ch.sessionId, sh.sessionId));
    if (abbreviated) {
        out.resumption = 'tls12-abbreviated';
        return setResumed(out, hints);
    }
    const kex = suiteKex(sh.cipherSuite);
    const ske = tls.serverKeyExchange;
    if (kex === 'rsa')
        return setRsa(out);
    if (kex === 'ecdhe' || (kex === 'unknown' && ske !== null && ske.kind === 'ecdhe')) {
        out.mechanism = 'ECDHE';
        if (ske !== null && ske.namedCurve >= 0) {
            out.codepoint = ske.namedCurve;
            out.group = groupName(ske.namedCurve);
            out.negotiated = groupClass(ske.namedCurve);
            if (out.negotiated === 'unknown') {
                out.reason = 'unknown-group';
                out.detail = `curve ${out.group} is not in the codepoint table`;
            }
        }
        else {
            // TLS 1.2 ECDHE curves are all classical (no PQ group is defined for TLS ≤ 1.2)
            out.negotiated = 'classical';
            out.detail = 'ServerKeyExchange not in capture';
        }
        return out;
    }
    if (kex === 'dhe' || (kex === 'unknown' && ske !== null && ske.kind === 'dhe')) {
        out.negotiated = 'classical';
        if (ske !== null && ske.dhPrimeBits > 0) {
            out.mechanism = `DHE (explicit ${ske.dhPrimeBits}-bit prime)`;
            out.group = `dhe-${ske.dhPrimeBits}`;
        }
        else {
            out.mechanism = 'DHE';
            out.detail = 'ServerKeyExchange not in capture';
        }
        return out;
    }
    if (kex === 'dh' || kex === 'ecdh') {
        out.negotiated = 'classical';
        out.mechanism = kex === 'dh' ? 'static DH' : 'static ECDH';
        return out;
    }
    if (kex === 'psk') {
        out.reason = 'psk-only';
        out.mechanism = 'PSK';
        out.detail = 'pre-shared key only: no public-key exchange in this flow';
        return out;
    }
    out.reason = 'decode-error';
    out.detail = `cipher suite ${out.cipherSuite} has no known key exchange`;
    return out;
}
function setRsa(out) {
    out.negotiated = 'classical';
    out.group = 'rsa';
    out.mechanism = 'RSA key transport';
    return out;
}
function setResumed(out, hints) {
    out.handshake = 'resumed';
    out.mechanism = RESUMED_MECH;
    out.reason = 'resumed';
    const from = hints?.resumedFrom;
    if (from !== undefined && from !== null) {
        out.negotiated = from.negotiated;
        out.group = from.group;
        out.codepoint = from.codepoint ?? null;
        out.detail = 'resumed session: class inherited from the original handshake';
    }
    else {
        out.negotiated = 'unknown';
        out.detail = 'resumed session: key exchange happened in an earlier connection';
    }
    return out;
}
function sameBytes(a, b) {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i])
            return false;
    return true;
}
function hex(b) {
    let s = '';
    for (let i = 0; i < b.length; i++)
        s += (b[i] ?? 0).toString(16).padStart(2, '0');
    return s;
}
/**
 * Keys for linking TLS ≤ 1.2 resumptions (RFC 5246 §7.4.1.2 session IDs, RFC 5077 tickets):
 * `offers` = what this flow tries to resume with; `provides` = what a later flow could resume.
 * TLS 1.3 tickets travel encrypted and cannot be linked passively.
 */
export function resumptionKeys(tls) {
    const offers = [];
    const provides = [];
    if (tls === null)
        return { offers, provides };
    const ch = tls.clientHello;
    const sh = tls.serverHello;
    if (ch !== null) {
        if (ch.sessionId.length > 0)
            offers.push('sid:' + hex(ch.sessionId));
        if (ch.sessionTicketKey !== undefined && ch.sessionTicketKey !== null)
            offers.push('tkt:' + ch.sessionTicketKey);
    }
    const tls13 = sh !== null && isTls13Version(sh.selectedVersion !== 0 ? sh.selectedVersion : sh.legacyVersion);
    if (sh !== null && !tls13 && sh.sslv2 !== true) {
        if (sh.sessionId.length > 0)
            provides.push('sid:' + hex(sh.sessionId));
        if (tls.issuedTicketKey !== undefined && tls.issuedTicketKey !== null)
            provides.push('tkt:' + tls.issuedTicketKey);
    }
    return { offers, provides };
}
//# sourceMappingURL=classify.js.map