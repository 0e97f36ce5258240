import { groupInfo } from '../tls/groups.js';
import { cipherSuiteName } from '../tls/suites.js';
import { clip } from './format-util.js';
const KEM_FUNCS = ['keygen', 'encapsulate', 'decapsulate'];
const KA_FUNCS = ['keygen', 'keyderive'];
const AE_FUNCS = ['encrypt', 'decrypt', 'tag'];
const ENC_FUNCS = ['encrypt', 'decrypt'];
const MLKEM_LEVEL = { 2: 1, 3: 3, 4: 5 };
const MLKEM_SIZE = { 2: '512', 3: '768', 4: '1024' };
export function mlkem(k) {
    return {
        name: `ML-KEM-${MLKEM_SIZE[k]}`,
        primitive: 'kem',
        family: 'ML-KEM',
        parameterSetIdentifier: MLKEM_SIZE[k],
        nistQuantumSecurityLevel: MLKEM_LEVEL[k],
        cryptoFunctions: KEM_FUNCS,
        oid: `2.16.840.1.101.3.4.4.${k - 1}`,
    };
}
function kyber(k) {
    return { name: `Kyber-${MLKEM_SIZE[k]}-r3`, primitive: 'kem', parameterSetIdentifier: MLKEM_SIZE[k], nistQuantumSecurityLevel: MLKEM_LEVEL[k], cryptoFunctions: KEM_FUNCS };
}
function ecdh(name, curve, bits, oid) {
    const a = { name, primitive: 'key-agree', family: 'ECDH', curve, classicalSecurityLevel: bits, nistQuantumSecurityLevel: 0, cryptoFunctions: KA_FUNCS };
    if (oid)
        a.oid = oid;
    return a;
}
const X25519 = () => ecdh('X25519', 'Curve25519', 128, '1.3.101.110');
const X448 = () => ecdh('X448', 'Curve448', 224, '1.3.101.111');
const P256 = () => ecdh('ECDH-P-256', 'secp256r1', 128);
const P384 = () => ecdh('ECDH-P-384', 'secp384r1', 192);
const P521 = () => ecdh('ECDH-P-521', 'secp521r1', 256);
/** RFC 7919 App. A / SP 800-57: ffdhe / MODP strength in bits */
const FFDH_STRENGTH = { 1024: 80, 2048: 112, 3072: 128, 4096: 152, 6144: 176, 8192: 200 };
function ffdh(bits, name) {
    const a = { name: name ?? (bits !== null ? `FFDH-${bits}` : 'FFDH'), primitive: 'key-agree', family: 'FFDH', nistQuantumSecurityLevel: 0, cryptoFunctions: KA_FUNCS };
    if (bits !== null) {
        a.parameterSetIdentifier = String(bits);
        const s = FFDH_STRENGTH[bits];
        if (s !== undefined)
            a.classicalSecurityLevel = s;
    }
    return a;
}
const RSA_KT = () => ({ name: 'RSA-PKCS1-1.5', primitive: 'pke', family: 'RSAES-PKCS1', nistQuantumSecurityLevel: 0, cryptoFunctions: ENC_FUNCS, oid: '1.2.840.113549.1.1.1' });
function unknownAlg(name) {
    return { name: clip(name, 128), primitive: 'unknown', cryptoFunctions: [] };
}
function classicalGroup(g) {
    switch (g.name) {
        case 'x25519':
            return X25519();
        case 'x448':
            return X448();
        case 'secp256r1':
            return P256();
        case 'secp384r1':
            return P384();
        case 'secp521r1':
            return P521();
        default:
            break;
    }
    const ff = /^ffdhe(\d+)$/.exec(g.name);
    if (ff?.[1])
        return ffdh(Number(ff[1]), `FFDHE-${ff[1]}`);
    if (g.name === 'curveSM2')
        return { name: 'SM2-KA', primitive: 'key-agree', family: 'SM2', curve: 'curveSM2', nistQuantumSecurityLevel: 0, cryptoFunctions: KA_FUNCS };
    return { name: `ECDH-${g.name}`, primitive: 'key-agree', family: 'ECDH', curve: g.name, nistQuantumSecurityLevel: 0, cryptoFunctions: KA_FUNCS };
}
/** the classical half of a TLS hybrid group, from its name */
function ecdhPart(g) {
    const n = g.name.toLowerCase();
    if (n.includes('x25519') || n === 'cecpq2')
        return X25519();
    if (n.includes('p256') || n.includes('secp256r1'))
        return P256();
    if (n.includes('secp384r1'))
        return P384();
    if (n.includes('sm2'))
        return { name: 'SM2-KA', primitive: 'key-agree', family: 'SM2', curve: 'curveSM2', nistQuantumSecurityLevel: 0, cryptoFunctions: KA_FUNCS };
    return null;
}
function tlsGroup(cp) {
    const g = groupInfo(cp);
    if (!g)
        return null;
    if (g.class === 'classical')
        return classicalGroup(g);
    const k = g.mlkemK;
    if (g.class === 'pq')
        return k !== undefined ? mlkem(k) : null;
    const parts = [];
    if (k !== undefined)
        parts.push(g.legacy === true ? kyber(k) : mlkem(k));
    else if (g.name === 'CECPQ2')
        parts.push({ name: 'NTRU-HRSS-701', primitive: 'kem', cryptoFunctions: KEM_FUNCS });
    const e = ecdhPart(g);
    if (e)
        parts.push(e);
    const a = { name: g.name, primitive: 'kem', cryptoFunctions: KEM_FUNCS, parts };
    if (k !== undefined) {
        a.parameterSetIdentifier = MLKEM_SIZE[k];
        a.nistQuantumSecurityLevel = MLKEM_LEVEL[k];
    }
    return a;
}
const SSH_FFDH_GROUP = { '1': 1024, '14': 2048, '15': 3072, '16': 4096, '17': 6144, '18': 8192 };
/** SSH kex method names (RFC 4253 §8, RFC 8731, RFC 5656, draft-ietf-sshm-mlkem-hybrid-kex, draft-ietf-sshm-ntruprime-ssh) */
export function sshKexAlgorithm(name) {
    const hybrid = (pq, ec) => {
        const a = { name, primitive: 'kem', cryptoFunctions: KEM_FUNCS, parts: [pq, ec] };
        if (pq.nistQuantumSecurityLevel !== undefined)
            a.nistQuantumSecurityLevel = pq.nistQuantumSecurityLevel;
        if (pq.parameterSetIdentifier !== undefined)
            a.parameterSetIdentifier = pq.parameterSetIdentifier;
        return a;
    };
    switch (name) {
        case 'mlkem768x25519-sha256':
            return hybrid(mlkem(3), X25519());
        case 'mlkem768nistp256-sha256':
            return hybrid(mlkem(3), P256());
        case 'mlkem1024nistp384-sha384':
            return hybrid(mlkem(4), P384());
        case 'sntrup761x25519-sha512':
        case 'sntrup761x25519-sha512@openssh.com':
            return hybrid({ name: 'sntrup761', primitive: 'kem', parameterSetIdentifier: '761', cryptoFunctions: KEM_FUNCS }, X25519());
        case 'curve25519-sha256':
        case 'curve25519-sha256@libssh.org':
            return X25519();
        case 'curve448-sha512':
            return X448();
        case 'ecdh-sha2-nistp256':
            return P256();
        case 'ecdh-sha2-nistp384':
            return P384();
        case 'ecdh-sha2-nistp521':
            return P521();
        default:
            break;
    }
    const dh = /^diffie-hellman-group(\d+)-sha(1|256|512)$/.exec(name);
    if (dh?.[1]) {
        const bits = SSH_FFDH_GROUP[dh[1]];
        if (bits !== undefined)
            return ffdh(bits);
    }
    if (name.startsWith('diffie-hellman-group-exchange-'))
        return ffdh(null, 'FFDH-GEX');
    return unknownAlg(name);
}
/** The negotiated key-exchange algorithm of a flow, or null when none was observed. */
export function kexAlgorithm(f) {
    const n = f.kex.negotiated;
    if (n === 'plaintext' || n === 'unknown')
        return null;
    const group = f.kex.group;
    const ssh = f['ssh'];
    if (group !== null && (f.app === 'ssh' || (ssh !== null && typeof ssh === 'object')))
        return sshKexAlgorithm(group);
    const cp = f.tls?.selectedGroup;
    if (cp !== null && cp !== undefined && group !== 'rsa' && !(group ?? '').startsWith('dhe-')) {
        const a = tlsGroup(cp);
        if (a)
            return a;
    }
    if (group === 'rsa')
        return RSA_KT();
    const dhe = /^dhe-(\d+)$/.exec(group ?? '');
    if (dhe?.[1])
        return ffdh(Number(dhe[1]));
    return group !== null ? unknownAlg(group) : null;
}
function aes(bits, mode) {
    const level = { '128': 1, '192': 3, '256': 5 };
    const m = mode.toLowerCase();
    const ae = m.startsWith('gcm') || m.startsWith('ccm');
    const a = {
        name: `AES-${bits}-${mode.replace('_', '-')}`,
        primitive: ae ? 'ae' : 'block-cipher',
        family: 'AES',
        parameterSetIdentifier: bits,
        mode: m.startsWith('gcm') ? 'gcm' : m.startsWith('ccm') ? 'ccm' : m === 'cbc' ? 'cbc' : 'other',
        classicalSecurityLevel: Number(bits),
        cryptoFunctions: ae ? AE_FUNCS : ENC_FUNCS,
    };
    const l = level[bits];
    if (l !== undefined)
        a.nistQuantumSecurityLevel = l;
    return a;
}
/** The bulk cipher of a TLS cipher suite (IANA name, RFC 8446 §B.4 / RFC 5246 App. A.5), or null */
export function cipherAlgorithm(cs) {
    const name = cipherSuiteName(cs);
    const tls13 = /^TLS_(AES_\d+_\w+?|CHACHA20_POLY1305)_SHA(256|384)$/.exec(name);
    const tls12 = /_WITH_(.+?)(?:_SHA(?:256|384)?|_MD5)?$/.exec(name);
    const bulk = tls13?.[1] ?? tls12?.[1];
    if (bulk === undefined || bulk.startsWith('NULL'))
        return null;
    const a = /^AES_(128|192|256)_(GCM|CCM_8|CCM|CBC)$/.exec(bulk);
    if (a?.[1] && a[2])
        return aes(a[1], a[2]);
    if (bulk === 'CHACHA20_POLY1305') {
        return { name: 'ChaCha20-Poly1305', primitive: 'ae', family: 'ChaCha20', parameterSetIdentifier: '256', classicalSecurityLevel: 256, nistQuantumSecurityLevel: 5, cryptoFunctions: AE_FUNCS };
    }
    if (bulk === '3DES_EDE_CBC')
        return { name: '3DES-EDE-CBC', primitive: 'block-cipher', family: '3DES', mode: 'cbc', classicalSecurityLevel: 112, nistQuantumSecurityLevel: 0, cryptoFunctions: ENC_FUNCS };
    if (/^RC4_(40|56|128)$/.test(bulk))
        return { name: bulk.replace('_', '-'), primitive: 'stream-cipher', family: 'RC4', nistQuantumSecurityLevel: 0, cryptoFunctions: ENC_FUNCS };
    if (/^DES(40)?_CBC$/.test(bulk))
        return { name: bulk.replace('_', '-'), primitive: 'block-cipher', family: 'DES', mode: 'cbc', nistQuantumSecurityLevel: 0, cryptoFunctions: ENC_FUNCS };
    const cam = /^CAMELLIA_(128|256)_(CBC|GCM)$/.exec(bulk);
    if (cam?.[1] && cam[2]) {
        const gcm = cam[2] === 'GCM';
        return {
            name: `CAMELLIA-${cam[1]}-${cam[2]}`,
            primitive: gcm ? 'ae' : 'block-cipher',
            family: 'CAMELLIA',
            parameterSetIdentifier: cam[1],
            mode: gcm ? 'gcm' : 'cbc',
            nistQuantumSecurityLevel: cam[1] === '128' ? 1 : 5,
            cryptoFunctions: gcm ? AE_FUNCS : ENC_FUNCS,
        };
    }
    return { name: bulk.replace(/_/g, '-'), primitive: 'unknown', cryptoFunctions: [] };
}
/** IANA two-byte identifier of a cipher suite, CycloneDX style: ['0x13', '0x01'] */
export function suiteIdentifiers(cs) {
    const hex = (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
    return [hex((cs >> 8) & 0xff), hex(cs & 0xff)];
}
//# sourceMappingURL=cbom-algorithms.js.map